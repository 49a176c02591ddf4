"""`accord backup` and `accord restore`: the whole database in one portable file.

The file is a zip: `manifest.json` (format, schema version = the latest migration of every app,
and every table of that schema with its columns, row count and the SHA-256 of its file) and one
JSON-lines file per table, in dependency order (a table after the tables it points to). Values
are written as JSON text by their Django field, so a backup taken on SQLite restores on
PostgreSQL and back. With `ACCORD_BACKUP_KEY` set, `manifest.hmac` signs the manifest.

A restore goes into an empty, migrated database, inside one transaction: all of it or nothing.
It trusts nothing in the file: every table of this schema must be there and no other, each file
must have the hash the manifest gives, and, when a key is set, the manifest its signature.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal, cast

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.duration import duration_iso_string
from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt
from pydantic import ValidationError as PydanticError
from tqdm import tqdm

from accord.columns import vendor, writes

FORMAT = "accord-backup"
FORMAT_VERSION = 2  # 2: a SHA-256 per table file, and the manifest's signature
MANIFEST = "manifest.json"
SIGNATURE = "manifest.hmac"
BATCH = 5000
# A database holding any of these is not empty: a restore would mix two companies' data.
USER_DATA = ("teams.user", "crm.person", "crm.account", "crm.opportunity", "audit.auditentry")


class RestoreRefused(Exception):
    """The file cannot be restored here; the message says why and what to do."""


@dataclass(frozen=True)
class TableCount:
    table: str
    rows: int
    sha256: str = ""


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
    outermost = not connection.in_atomic_block
    with transaction.atomic(), zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        if outermost:  # one consistent view of every table
            vendor.read_one_snapshot()
        for model in backed_up_models():
            tables.append(_backup_table(archive, model, progress))
        manifest = json.dumps(_manifest(tables), indent=2).encode()
        archive.writestr(MANIFEST, manifest)
        if settings.BACKUP_KEY:
            archive.writestr(SIGNATURE, sign(manifest, settings.BACKUP_KEY))
    os.replace(partial, path)
    return BackupReport(path, tables)


def _backup_table(archive: zipfile.ZipFile, model, progress: bool) -> TableCount:
    table = model._meta.db_table
    rows = 0
    digest = hashlib.sha256()
    bar = tqdm(desc=table, unit=" rows", unit_scale=True, disable=not progress, leave=False)
    with bar, archive.open(table_file(table), "w", force_zip64=True) as out:
        for line in _dump_rows(model):
            data = line.encode() + b"\n"
            out.write(data)
            digest.update(data)
            rows += 1
            if rows % BATCH == 0:
                bar.update(BATCH)
    return TableCount(table, rows, digest.hexdigest())


def table_file(table: str) -> str:
    return f"tables/{table}.jsonl"


def sign(manifest: bytes, key: str) -> str:
    """The manifest's HMAC-SHA256 under `key` (ACCORD_BACKUP_KEY), in hex."""
    return hmac.new(key.encode(), manifest, hashlib.sha256).hexdigest()


def _manifest(tables: list[TableCount]) -> dict:
    by_table = {m._meta.db_table: m for m in backed_up_models()}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": vendor.name(),
        "schema": schema_version(),
        "tables": [
            {
                "table": t.table,
                "model": by_table[t.table]._meta.label_lower,
                "columns": [f.column for f in _columns(by_table[t.table])],
                "rows": t.rows,
                "sha256": t.sha256,
            }
            for t in tables
        ],
    }


# --- restore --------------------------------------------------------------------------------

# What a damaged zip raises as it is read: a bad header or CRC, a broken deflate stream, a file
# cut short, a compression or encryption this Python cannot read.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


class TableEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: str
    model: str
    columns: list[str]
    rows: NonNegativeInt
    sha256: str = Field(pattern="^[0-9a-f]{64}$")


class Manifest(BaseModel):
    """What `manifest.json` must hold; anything else is not a backup this Accord can read."""

    format: Literal["accord-backup"]
    format_version: Literal[2]
    created_at: str
    database: str
    migrations: dict[str, str] = Field(alias="schema")
    tables: list[TableEntry]


def do_restore(path: Path, *, progress: bool = False) -> list[TableCount]:
    """Load a backup into this empty, migrated database: all of it, in one transaction."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except DAMAGED as exc:
        raise RestoreRefused(
            f"{path.name} is not an Accord backup (not a readable zip: {exc})"
        ) from None
    with archive:
        manifest = read_manifest(archive, path.name)
        check_schema(manifest)
        tables = check_tables(manifest, archive)
        restored = []
        with transaction.atomic():
            check_empty()
            for model in reversed(list(tables)):
                _wipe_seeded(model)
            for model, entry in tables.items():
                rows = _restore_table(archive, model, entry, progress)
                restored.append(TableCount(entry.table, rows, entry.sha256))
            _reset_sequences(list(tables))
    return restored


def read_manifest(archive: zipfile.ZipFile, name: str) -> Manifest:
    """The manifest, once its signature is checked (when a key is set) and its shape is right."""
    try:
        raw = archive.read(MANIFEST)
    except KeyError:
        raise RestoreRefused(f"{name} is not an Accord backup (it has no {MANIFEST})") from None
    except DAMAGED as exc:
        raise RestoreRefused(f"{name} is damaged: its {MANIFEST} cannot be read ({exc})") from None
    check_signature(archive, raw)
    try:
        return Manifest.model_validate_json(raw)
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        raise RestoreRefused(
            f"{name} is not an Accord backup this version can read ({MANIFEST}, {where}: "
            f"{first['msg']})"
        ) from None


def check_signature(archive: zipfile.ZipFile, manifest: bytes) -> None:
    """With ACCORD_BACKUP_KEY set, only a manifest signed with that key is trusted."""
    key = settings.BACKUP_KEY
    if not key:
        return
    try:
        signature = archive.read(SIGNATURE).decode("ascii", "replace").strip()
    except KeyError:
        raise RestoreRefused(
            "the backup is not signed, and ACCORD_BACKUP_KEY is set: restore only a backup "
            "written with the key, or unset it to restore one you trust"
        ) from None
    except DAMAGED as exc:
        raise RestoreRefused(f"the backup's signature cannot be read ({exc})") from None
    if not hmac.compare_digest(signature, sign(manifest, key)):
        raise RestoreRefused(
            "the backup's manifest does not match its signature under ACCORD_BACKUP_KEY: it was "
            "changed after it was written, or written with another key"
        )


def check_schema(manifest: Manifest) -> None:
    """Same migrations as this database, or a clear reason: newer file, older file, other apps."""
    loader = MigrationLoader(connection)
    here = schema_version()
    there = manifest.migrations
    newer = [
        f"{app} {name}" for app, name in there.items() if (app, name) not in loader.graph.nodes
    ]
    if newer:
        raise RestoreRefused(
            "The backup comes from a newer Accord (migrations unknown here: "
            f"{', '.join(newer)}); upgrade Accord, run `accord manage migrate`, then restore"
        )
    differ = sorted(app for app in set(here) | set(there) if here.get(app) != there.get(app))
    if differ:
        raise RestoreRefused(
            f"The backup's schema differs from this database's in {', '.join(differ)}: migrate "
            "this database to the backup's version (`accord manage migrate APP MIGRATION`), "
            "restore, then migrate forward"
        )


def check_tables(
    manifest: Manifest, archive: zipfile.ZipFile
) -> dict[type[models.Model], TableEntry]:
    """Every table of this schema, listed once with its columns and with its file in the zip,
    and nothing else: a backup missing a table would restore it empty without a word."""
    listed = [entry.table for entry in manifest.tables]
    entries = {entry.table: entry for entry in manifest.tables}
    models_by_table = {m._meta.db_table: m for m in backed_up_models()}
    problems = []
    if twice := sorted({t for t in listed if listed.count(t) > 1}):
        problems.append(f"listed twice: {', '.join(twice)}")
    if missing := [t for t in models_by_table if t not in entries]:
        problems.append(f"missing: {', '.join(missing)}")
    if extra := sorted(t for t in entries if t not in models_by_table):
        problems.append(f"not in this schema: {', '.join(extra)}")
    expected = {MANIFEST, SIGNATURE} | {table_file(t) for t in entries}
    if strays := sorted(set(archive.namelist()) - expected):
        problems.append(f"files the manifest does not list: {', '.join(strays)}")
    if absent := sorted(table_file(t) for t in entries if table_file(t) not in archive.namelist()):
        problems.append(f"files the manifest lists but the zip lacks: {', '.join(absent)}")
    differ = [
        t
        for t, model in models_by_table.items()
        if t in entries and [f.column for f in _columns(model)] != entries[t].columns
    ]
    if differ:
        problems.append(f"columns that differ from this schema's: {', '.join(differ)}")
    if problems:
        raise RestoreRefused(
            f"the backup's tables do not match this schema ({'; '.join(problems)})"
        )
    return {model: entries[table] for table, model in models_by_table.items()}


def check_empty() -> None:
    for label in USER_DATA:
        model = apps.get_model(label)
        if model._base_manager.exists():
            raise RestoreRefused(
                f"This database already holds data ({model._meta.verbose_name_plural}); restore "
                "into a new, migrated database (`accord manage migrate` on an empty one)"
            )


def _wipe_seeded(model) -> None:
    """Rows `migrate` itself wrote (content types, permissions ...) give way to the backup's."""
    if not model._base_manager.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _restore_table(archive: zipfile.ZipFile, model, entry: TableEntry, progress: bool) -> int:
    fields = _columns(model)
    table = model._meta.db_table
    bar = tqdm(
        total=entry.rows,
        desc=table,
        unit=" rows",
        unit_scale=True,
        disable=not progress,
        leave=False,
    )
    rows = 0
    with bar:
        batch = []
        for number, line in _verified_lines(archive, entry):
            batch.append(_from_json(model, fields, number, line))
            if len(batch) == BATCH:
                _insert(table, fields, batch, first=rows + 1)
                rows += len(batch)
                bar.update(len(batch))
                batch = []
        if batch:
            _insert(table, fields, batch, first=rows + 1)
            rows += len(batch)
            bar.update(len(batch))
    if rows != entry.rows:
        raise RestoreRefused(f"{table}: {rows:,} rows, the manifest says {entry.rows:,}")
    return rows


def _verified_lines(archive: zipfile.ZipFile, entry: TableEntry) -> Iterator[tuple[int, bytes]]:
    """The numbered lines of a table's file; at its end, a refusal unless the file hashes to the
    manifest's SHA-256 (the transaction then rolls back whatever was loaded)."""
    name = table_file(entry.table)
    digest = hashlib.sha256()
    try:
        with archive.open(name) as lines:
            for number, line in enumerate(lines, start=1):
                digest.update(line)
                yield number, line
    except DAMAGED as exc:
        raise RestoreRefused(f"{name} is damaged ({exc})") from None
    if not hmac.compare_digest(digest.hexdigest(), entry.sha256):
        raise RestoreRefused(
            f"{name} is not the file the manifest describes (its SHA-256 differs): the backup "
            "was changed or damaged after it was written"
        )


def _from_json(model, fields: list[models.Field], number: int, line: bytes) -> tuple:
    table = model._meta.db_table
    try:
        values = json.loads(line)
        if not vendor.stores_nul() and b"\\u0000" in line:
            _refuse_nul(model, fields, number, values)
        return tuple(
            None if value is None else field.get_db_prep_value(field.to_python(value), connection)
            for field, value in zip(fields, values, strict=True)
        )
    except (ValueError, TypeError, ValidationError) as exc:
        raise RestoreRefused(f"{table} row {number} cannot be read ({exc})") from None


def _refuse_nul(model, fields: list[models.Field], number: int, values: list) -> None:
    """PostgreSQL stores no NUL character in text (SQLite does): name the row that holds one."""
    for field, value in zip(fields, values, strict=False):
        if _holds_nul(value):
            pk = values[fields.index(model._meta.pk)]
            raise RestoreRefused(
                f"{model._meta.db_table} row {number} (id {pk}), column {field.column}: the text "
                "holds a NUL character, which PostgreSQL cannot store; remove it in the database "
                "the backup came from, back up again, then restore"
            )


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(map(_holds_nul, value))
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    return False


def _insert(table: str, fields: list[models.Field], rows: list[tuple], *, first: int) -> None:
    columns = [cast(str, f.column) for f in fields]  # concrete: each has one
    try:
        writes.insert_prepared(table, columns, rows)
    except (DatabaseError, connection.Database.Error) as exc:  # type: ignore[attr-defined]
        raise RestoreRefused(
            f"{table} rows {first:,} to {first + len(rows) - 1:,} cannot be written here ({exc})"
        ) from None


def _reset_sequences(all_models: list) -> None:
    """PostgreSQL's id sequences continue after the restored ids (SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), all_models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
