"""`accord backup` and `accord restore`: the whole database in one file, and back, on SQLite and
PostgreSQL alike."""

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from tests.factories import OpportunityFactory, PersonFactory, TouchpointFactory

from accord.agreement.defaults import default_document
from accord.agreement.models import AgreementVersion
from accord.agreement.services import do_create_draft, do_sign
from accord.audit.backup import MANIFEST, backed_up_models
from accord.audit.models import AuditEntry
from accord.crm.models import Opportunity, Person
from accord.crm.services import do_change_lifecycle_stage
from accord.teams.models import User

BACKUP_KEY = "k" * 16 + "a-backup-key-of-32-characters"


def some_company(marketing_head, sales_head, marketer, rep):
    people = PersonFactory.create_batch(5, owner=rep)
    TouchpointFactory.create_batch(3, person=people[0])
    OpportunityFactory(amount=Decimal("12500.50"), owner=rep)
    do_change_lifecycle_stage(people[1], "mql", by=marketer, reason="scored")
    version = do_create_draft(marketer, default_document())
    do_sign(version, marketing_head)
    do_sign(version, sales_head)


def table_rows(path) -> dict[str, list]:
    """Every row of every table in a backup, as values (JSON objects compare whatever the order
    of their keys: PostgreSQL's jsonb keeps them sorted its own way)."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        return {
            t["table"]: [
                json.loads(line) for line in archive.read(f"tables/{t['table']}.jsonl").splitlines()
            ]
            for t in manifest["tables"]
        }


def backup(path) -> str:
    out = StringIO()
    call_command("backup", str(path), "--quiet", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_every_row_and_value(
    tmp_path, marketing_head, sales_head, marketer, rep
):
    some_company(marketing_head, sales_head, marketer, rep)
    deal = Opportunity.objects.get()
    assert "Backed up" in backup(tmp_path / "one.zip")

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)  # a new, migrated database: content types and all
    out = StringIO()
    call_command("restore", str(tmp_path / "one.zip"), "--quiet", stdout=out)

    assert "Restored" in out.getvalue()
    assert Person.objects.count() == 5
    assert Opportunity.objects.get(pk=deal.pk).amount == Decimal("12500.50")
    assert AgreementVersion.objects.get().document == default_document()
    assert AuditEntry.objects.filter(field="lifecycle_stage", new_value="mql").exists()
    backup(tmp_path / "two.zip")
    assert table_rows(tmp_path / "two.zip") == table_rows(tmp_path / "one.zip")
    new_person = PersonFactory()  # ids carry on after the restored ones
    assert new_person.pk > max(
        Person.objects.exclude(pk=new_person.pk).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_database_holding_data_is_not_overwritten(tmp_path, rep):
    backup(tmp_path / "b.zip")
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(tmp_path / "b.zip"), "--quiet")


@pytest.mark.django_db
def test_a_backup_from_a_newer_schema_is_refused(tmp_path):
    backup(tmp_path / "b.zip")
    with (
        zipfile.ZipFile(tmp_path / "b.zip") as old,
        zipfile.ZipFile(tmp_path / "new.zip", "w") as new,
    ):
        for item in old.infolist():
            data = old.read(item)
            if item.filename == MANIFEST:
                manifest = json.loads(data)
                manifest["schema"]["crm"] = "9999_from_the_future"
                data = json.dumps(manifest)
            new.writestr(item, data)

    with pytest.raises(CommandError, match="newer Accord"):
        call_command("restore", str(tmp_path / "new.zip"), "--quiet")


def rewritten(path, out, *, manifest=None, rows=None, drop=(), rehash=True):
    """A copy of the backup at `path`, changed as someone with the file could change it:
    `manifest(dict)` edits the manifest, `rows[table](list of rows)` a table's rows, `drop` leaves
    files out; with `rehash`, the manifest's SHA-256s are made to match the changed files."""
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(out, "w") as new:
        listed = json.loads(old.read(MANIFEST))
        for entry in listed["tables"]:
            name = f"tables/{entry['table']}.jsonl"
            data = old.read(name)
            if rows and entry["table"] in rows:
                edited = rows[entry["table"]]([json.loads(line) for line in data.splitlines()])
                data = b"".join(json.dumps(row).encode() + b"\n" for row in edited)
                entry["rows"] = len(edited)
                if rehash:
                    entry["sha256"] = hashlib.sha256(data).hexdigest()
            if name not in drop:
                new.writestr(name, data)
        for name in (
            set(old.namelist())
            - {MANIFEST}
            - {f"tables/{t['table']}.jsonl" for t in listed["tables"]}
        ):
            new.writestr(name, old.read(name))
        new.writestr(MANIFEST, json.dumps(manifest(listed) if manifest else listed))
    return out


def restore(path):
    call_command("restore", str(path), "--quiet", stdout=StringIO())


def made_superuser(email):
    """The rows of teams_user with the one of `email` made an active superuser."""

    def edit(rows):
        columns = [f.column for f in User._meta.concrete_fields]
        email_at, superuser_at = columns.index("email"), columns.index("is_superuser")
        for row in rows:
            if row[email_at] == email:
                row[superuser_at] = True
        return rows

    return {"teams_user": edit}


def an_empty_migrated_database():
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


@pytest.mark.django_db
def test_a_backup_whose_manifest_omits_tables_is_refused(tmp_path):
    backup(tmp_path / "b.zip")
    left_out = ["crm_person", "crm_account", "teams_user", "audit_auditentry"]
    rewritten(
        tmp_path / "b.zip",
        tmp_path / "short.zip",
        manifest=lambda m: m | {"tables": [t for t in m["tables"] if t["table"] not in left_out]},
        drop=[f"tables/{t}.jsonl" for t in left_out],
    )

    with pytest.raises(CommandError) as refused:
        restore(tmp_path / "short.zip")

    assert "missing: " in str(refused.value) and "nothing was written" in str(refused.value)
    assert all(table in str(refused.value) for table in left_out)


@pytest.mark.django_db
def test_a_backup_with_a_table_or_file_this_schema_lacks_is_refused(tmp_path):
    backup(tmp_path / "b.zip")
    ghost = {"table": "crm_ghost", "model": "crm.ghost", "columns": ["id"], "rows": 0,
             "sha256": hashlib.sha256(b"").hexdigest()}  # fmt: skip
    rewritten(
        tmp_path / "b.zip",
        tmp_path / "extra.zip",
        manifest=lambda m: m | {"tables": [*m["tables"], ghost]},
    )
    with zipfile.ZipFile(tmp_path / "extra.zip", "a") as archive:
        archive.writestr("tables/crm_ghost.jsonl", b"")
    rewritten(tmp_path / "b.zip", tmp_path / "stray.zip")
    with zipfile.ZipFile(tmp_path / "stray.zip", "a") as archive:
        archive.writestr("tables/teams_user_copy.jsonl", b"[1]\n")

    with pytest.raises(CommandError, match="not in this schema: crm_ghost"):
        restore(tmp_path / "extra.zip")
    with pytest.raises(CommandError, match="does not list: tables/teams_user_copy.jsonl"):
        restore(tmp_path / "stray.zip")


@pytest.mark.django_db(transaction=True)
def test_an_edited_row_is_refused_by_its_hash(tmp_path, rep):
    backup(tmp_path / "b.zip")
    an_empty_migrated_database()
    rewritten(
        tmp_path / "b.zip", tmp_path / "edited.zip", rows=made_superuser(rep.email), rehash=False
    )

    with pytest.raises(
        CommandError, match="tables/teams_user.jsonl is not the file the manifest describes"
    ):
        restore(tmp_path / "edited.zip")

    assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_with_a_backup_key_only_a_manifest_signed_with_it_is_restored(tmp_path, rep, settings):
    backup(tmp_path / "unsigned.zip")
    settings.BACKUP_KEY = BACKUP_KEY
    backup(tmp_path / "signed.zip")
    an_empty_migrated_database()
    superuser = made_superuser(rep.email)
    rewritten(tmp_path / "signed.zip", tmp_path / "edited.zip", rows=superuser)

    with pytest.raises(CommandError, match="does not match its signature under ACCORD_BACKUP_KEY"):
        restore(tmp_path / "edited.zip")
    with pytest.raises(CommandError, match="not signed, and ACCORD_BACKUP_KEY is set"):
        restore(tmp_path / "unsigned.zip")
    settings.BACKUP_KEY = "another-key-of-at-least-32-characters"
    with pytest.raises(CommandError, match="does not match its signature"):
        restore(tmp_path / "signed.zip")
    assert not User.objects.exists()

    settings.BACKUP_KEY = BACKUP_KEY
    restore(tmp_path / "signed.zip")
    assert User.objects.get(email=rep.email).is_superuser is False


def damaged(path, out):
    """The backup with bytes in the middle of a table's compressed data changed."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        biggest = max(archive.infolist(), key=lambda item: item.compress_size)
    middle = biggest.header_offset + 30 + len(biggest.filename) + biggest.compress_size // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    out.write_bytes(bytes(data))
    return out


@pytest.mark.django_db
def test_a_damaged_or_foreign_file_is_refused_with_a_message(tmp_path):
    backup(tmp_path / "b.zip")
    (tmp_path / "notes.zip").write_text("meeting notes, not a backup")
    (tmp_path / "cut.zip").write_bytes((tmp_path / "b.zip").read_bytes()[:-200])
    with zipfile.ZipFile(tmp_path / "list.zip", "w") as archive:
        archive.writestr(MANIFEST, "[]")
    cases = {
        "notes.zip": "notes.zip is not an Accord backup (not a readable zip",
        "cut.zip": "cut.zip is not an Accord backup (not a readable zip",
        "list.zip": "list.zip is not an Accord backup this version can read",
        damaged(tmp_path / "b.zip", tmp_path / "flipped.zip").name: "is damaged",
    }
    for name, message in cases.items():
        with pytest.raises(CommandError, match=re.escape(message)):
            restore(tmp_path / name)


def test_the_command_line_ends_a_refused_restore_with_a_message_not_a_traceback(tmp_path):
    with zipfile.ZipFile(tmp_path / "list.zip", "w") as archive:
        archive.writestr(MANIFEST, "[]")
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ACCORD_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "accord", "restore", str(tmp_path / "list.zip"), "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "list.zip was not restored: list.zip is not an Accord backup" in result.stderr


@pytest.mark.django_db
def test_text_with_a_nul_character_is_named_by_table_and_row_on_postgresql(tmp_path):
    """SQLite stores a NUL character in text, PostgreSQL does not: a backup taken on SQLite
    that holds one restores there, and is refused on PostgreSQL naming where it is."""
    backup(tmp_path / "b.zip")

    def nul_in_the_second(rows):
        rows[1][-1] = rows[1][-1] + "\x00"
        return rows

    rewritten(
        tmp_path / "b.zip", tmp_path / "nul.zip", rows={"django_content_type": nul_in_the_second}
    )
    with zipfile.ZipFile(tmp_path / "nul.zip") as archive:
        second = json.loads(archive.read("tables/django_content_type.jsonl").splitlines()[1])

    if connection.vendor != "postgresql":
        restore(tmp_path / "nul.zip")
        from django.contrib.contenttypes.models import ContentType

        assert ContentType.objects.get(pk=second[0]).model.endswith("\x00")
        return
    with pytest.raises(CommandError) as refused:
        restore(tmp_path / "nul.zip")
    assert f"django_content_type row 2 (id {second[0]}), column model" in str(refused.value)
    assert "NUL character" in str(refused.value)


def test_tables_come_after_the_tables_they_point_to():
    order = {model: i for i, model in enumerate(backed_up_models())}
    for model, position in order.items():
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is not None and target is not model and target in order:
                assert order[target] < position, (model, target)


# --- across engines -----------------------------------------------------------------------

POSTGRES = os.environ.get("ACCORD_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def _postgres_database(name: str) -> str:
    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES}: {exc}")
    return f"{POSTGRES}/{name}"


def accord(database_url: str, data_dir, *args) -> str:
    env = os.environ | {"DATABASE_URL": database_url, "ACCORD_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "accord", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs once, in the PostgreSQL pass of the suite"
)
def test_the_tiny_demo_goes_from_sqlite_to_postgresql_and_back(tmp_path):
    postgres = _postgres_database("accord_audit_roundtrip")
    sqlite, back = (
        f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        f"sqlite:///{tmp_path / 'back.sqlite3'}",
    )
    accord(sqlite, tmp_path, "demo", "--size", "tiny", "--no-serve")
    accord(sqlite, tmp_path, "backup", str(tmp_path / "sqlite.zip"), "--quiet")

    accord(postgres, tmp_path, "manage", "migrate", "-v0")
    accord(postgres, tmp_path, "restore", str(tmp_path / "sqlite.zip"), "--quiet")
    accord(postgres, tmp_path, "backup", str(tmp_path / "postgres.zip"), "--quiet")
    accord(back, tmp_path, "manage", "migrate", "-v0")
    accord(back, tmp_path, "restore", str(tmp_path / "postgres.zip"), "--quiet")
    accord(back, tmp_path, "backup", str(tmp_path / "back.zip"), "--quiet")

    from_sqlite = table_rows(tmp_path / "sqlite.zip")
    assert sum(map(len, from_sqlite.values())) > 1000
    assert table_rows(tmp_path / "postgres.zip") == from_sqlite
    assert table_rows(tmp_path / "back.zip") == from_sqlite
