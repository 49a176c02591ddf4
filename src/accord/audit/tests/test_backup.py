"""`accord backup` and `accord restore`: the whole database in one file, and back, on SQLite and
PostgreSQL alike."""

import json
import os
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
