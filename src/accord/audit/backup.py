"""`accord backup` and `accord restore`: the whole database in one portable file.

The file is a zip: `manifest.json` (format, schema version = the latest migration of every app,
and each table's row count) and one JSON-lines file per table, in dependency order (a table
after the tables it points to). Values are written as JSON text by their Django field, so a
backup taken on SQLite restores on PostgreSQL and back. A restore goes into an empty, migrated
database, inside one transaction: all of it or nothing.
"""

import base64
import datetime as dt
import json
import os
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.duration import duration_iso_string
from tqdm import tqdm

FORMAT = "accord-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 5000
# A database holding any of these is not empty: a restore would mix two companies' data.
USER_DATA = ("teams.user", "crm.person", "crm.account", "crm.opportunity", "audit.auditentry")


class RestoreRefused(Exception):
    """The file cannot be restored here; the message says why and what to do."""


@dataclass(frozen=True)
class TableCount:
    table: str
    rows: int


@dataclass(frozen=True)
class BackupReport:
    path: Path
    tables: list[TableCount]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


# --- what is backed up, in which order ------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """Every table Django manages (many-to-many tables included), each after its targets."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    ordered, placed = [], set()

    def place(model, seen=()):
        if model in placed or model in seen:
            return
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is not None and target is not model and target in found:
                place(target, (*seen, model))
        placed.add(model)
        ordered.append(model)

    for model in sorted(found, key=lambda m: m._meta.db_table):
        place(model)
    return ordered


def schema_version() -> dict[str, str]:
    """The latest applied migration of each app: the schema a backup was taken with."""
    loader = MigrationLoader(connection)
    latest: dict[str, str] = {}
    for app, name in loader.applied_migrations:
        if (app, name) in loader.graph.nodes and _is_later(loader, app, name, latest.get(app)):
            latest[app] = name
    return dict(sorted(latest.items()))


def _is_later(loader, app: str, name: str, current: str | None) -> bool:
    return current is None or (app, current) in loader.graph.forwards_plan((app, name))


# --- values as JSON -------------------------------------------------------------------------


def _to_json(value):
    if isinstance(value, dt.datetime):
        return (
            value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"Cannot back up a value of type {type(value).__name__}")


def _columns(model) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def _dump_rows(model) -> Iterable[str]:
    fields = _columns(model)
    rows = model._base_manager.order_by("pk").values_list(*(f.attname for f in fields))
    for row in rows.iterator(chunk_size=BATCH):
        yield json.dumps(row, default=_to_json, ensure_ascii=False, separators=(",", ":"))


# --- backup ---------------------------------------------------------------------------------


def do_backup(path: Path, *, progress: bool = False) -> BackupReport:
    """Write the whole database to `path` (replaced only once the new file is complete)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    tables = []
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(), zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        if snapshot:  # one consistent view of every table (SQLite's transaction is one already)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for model in backed_up_models():
            tables.append(_backup_table(archive, model, progress))
        archive.writestr(MANIFEST, json.dumps(_manifest(tables), indent=2))
    os.replace(partial, path)
    return BackupReport(path, tables)


def _backup_table(archive: zipfile.ZipFile, model, progress: bool) -> TableCount:
    table = model._meta.db_table
    rows = 0
    bar = tqdm(desc=table, unit=" rows", unit_scale=True, disable=not progress, leave=False)
    with bar, archive.open(f"tables/{table}.jsonl", "w", force_zip64=True) as out:
        for line in _dump_rows(model):
            out.write(line.encode() + b"\n")
            rows += 1
            if rows % BATCH == 0:
                bar.update(BATCH)
    return TableCount(table, rows)


def _manifest(tables: list[TableCount]) -> dict:
    by_table = {m._meta.db_table: m for m in backed_up_models()}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "schema": schema_version(),
        "tables": [
            {
                "table": t.table,
                "model": by_table[t.table]._meta.label_lower,
                "columns": [f.column for f in _columns(by_table[t.table])],
                "rows": t.rows,
            }
            for t in tables
        ],
    }


# --- restore --------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise RestoreRefused(f"{path} is not an Accord backup ({exc})") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise RestoreRefused(f"{path} is not an Accord backup this version can read")
    return manifest


def check_schema(manifest: dict) -> None:
    """Same migrations as this database, or a clear reason: newer file, older file, other apps."""
    loader = MigrationLoader(connection)
    here = schema_version()
    newer = [
        f"{app} {name}"
        for app, name in manifest["schema"].items()
        if (app, name) not in loader.graph.nodes
    ]
    if newer:
        raise RestoreRefused(
            "The backup comes from a newer Accord (migrations unknown here: "
            f"{', '.join(newer)}); upgrade Accord, run `accord manage migrate`, then restore"
        )
    differ = sorted(
        app
        for app in set(here) | set(manifest["schema"])
        if here.get(app) != manifest["schema"].get(app)
    )
    if differ:
        raise RestoreRefused(
            f"The backup's schema differs from this database's in {', '.join(differ)}: migrate "
            "this database to the backup's version (`accord manage migrate APP MIGRATION`), "
            "restore, then migrate forward"
        )


def check_empty() -> None:
    for label in USER_DATA:
        model = apps.get_model(label)
        if model._base_manager.exists():
            raise RestoreRefused(
                f"This database already holds data ({model._meta.verbose_name_plural}); restore "
                "into a new, migrated database (`accord manage migrate` on an empty one)"
            )


def do_restore(path: Path, *, progress: bool = False) -> list[TableCount]:
    """Load a backup into this empty, migrated database: all of it, in one transaction."""
    path = Path(path)
    manifest = read_manifest(path)
    check_schema(manifest)
    models_by_table = {m._meta.db_table: m for m in backed_up_models()}
    unknown = [t["table"] for t in manifest["tables"] if t["table"] not in models_by_table]
    if unknown:
        raise RestoreRefused(f"The backup has tables this Accord does not: {', '.join(unknown)}")
    restored = []
    with transaction.atomic(), zipfile.ZipFile(path) as archive:
        check_empty()
        for model in reversed(list(models_by_table.values())):
            _wipe_seeded(model)
        for entry in manifest["tables"]:
            model = models_by_table[entry["table"]]
            if [f.column for f in _columns(model)] != entry["columns"]:
                raise RestoreRefused(f"The columns of {entry['table']} differ from the backup's")
            rows = _restore_table(archive, model, entry["rows"], progress)
            if rows != entry["rows"]:
                expected = entry["rows"]
                raise RestoreRefused(
                    f"{entry['table']}: {rows:,} rows, the manifest says {expected:,}"
                )
            restored.append(TableCount(entry["table"], rows))
        _reset_sequences(list(models_by_table.values()))
    return restored


def _wipe_seeded(model) -> None:
    """Rows `migrate` itself wrote (content types, permissions ...) give way to the backup's."""
    if not model._base_manager.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _restore_table(archive: zipfile.ZipFile, model, expected: int, progress: bool) -> int:
    fields = _columns(model)
    table = model._meta.db_table
    bar = tqdm(
        total=expected, desc=table, unit=" rows", unit_scale=True, disable=not progress, leave=False
    )
    rows = 0
    with bar, archive.open(f"tables/{table}.jsonl") as lines:
        batch = []
        for line in lines:
            batch.append(_from_json(fields, json.loads(line)))
            if len(batch) == BATCH:
                _insert(table, fields, batch)
                rows += len(batch)
                bar.update(len(batch))
                batch = []
        if batch:
            _insert(table, fields, batch)
            rows += len(batch)
            bar.update(len(batch))
    return rows


def _from_json(fields: list[models.Field], values: list) -> tuple:
    return tuple(
        None if value is None else field.get_db_prep_value(field.to_python(value), connection)
        for field, value in zip(fields, values, strict=True)
    )


def _insert(table: str, fields: list[models.Field], rows: list[tuple]) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({placeholders})", rows)


def _reset_sequences(all_models: list) -> None:
    """PostgreSQL's id sequences continue after the restored ids (SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), all_models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
