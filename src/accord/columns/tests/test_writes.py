"""A bulk write into a table far smaller than it (a team's first import) sets the table's
indexes and keys aside and makes them again: afterwards the table is indexed and constrained as
before, and a row that breaks a unique index or a key fails the write as it would have."""

import datetime as dt

import polars as pl
import pytest
from django.db import IntegrityError, connection, transaction

from accord.columns import writes
from accord.crm.models import LifecycleChange, Person

AT = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def bulk_from_two_rows(monkeypatch):
    monkeypatch.setattr(writes, "BULK_OVER", 2)


def schema_of(model) -> list[str]:
    """The table's index definitions and, on PostgreSQL, its foreign keys, in one order."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
            found = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name || ' ' || COALESCE(sql, '') FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s",
                [table],
            )
            found = []
        return sorted(found + [row[0] for row in cursor.fetchall()])


def people(emails: list[str]) -> pl.DataFrame:
    ids = writes.reserve_ids(Person, len(emails))
    text = pl.lit("")
    return pl.DataFrame({"id": ids, "email": emails}).with_columns(
        *(text.alias(f) for f in ("first_name", "last_name", "title", "phone", "seniority")),
        *(text.alias(f) for f in ("lead_status", "original_source")),
        pl.lit("lead").alias("lifecycle_stage"),
        pl.lit(None, pl.Int64).alias("account_id"),
        pl.lit(None, pl.Int64).alias("owner_id"),
        pl.lit(False).alias("is_decision_maker"),
        pl.lit(AT, pl.Datetime("us", "UTC")).alias("created_at"),
        pl.lit(AT, pl.Datetime("us", "UTC")).alias("updated_at"),
    )


def moves(person_ids: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"person_id": person_ids}).with_columns(
        pl.lit("").alias("from_stage"),
        pl.lit("lead").alias("to_stage"),
        pl.lit(AT, pl.Datetime("us", "UTC")).alias("changed_at"),
        pl.lit(None, pl.Int64).alias("changed_by_id"),
        pl.lit("import").alias("reason"),
    )


def test_people_and_their_moves_written_in_bulk_keep_every_index_and_key(db, bulk_from_two_rows):
    before = {model: schema_of(model) for model in (Person, LifecycleChange)}
    frame = people([f"p{i}@acme.example" for i in range(5)])

    writes.insert_frame(Person, frame, bulk=True)
    writes.insert_frame(LifecycleChange, moves(frame["id"].to_list()), bulk=True)

    assert {model: schema_of(model) for model in before} == before
    assert Person.objects.filter(email__iendswith="@acme.example").count() == 5
    assert LifecycleChange.objects.filter(person_id__in=frame["id"].to_list()).count() == 5


def test_an_email_twice_in_a_bulk_write_fails_it(db, bulk_from_two_rows):
    before = schema_of(Person)
    frame = people(["ana@acme.example", "bo@acme.example", "ANA@acme.example"])

    with pytest.raises(IntegrityError), transaction.atomic():
        writes.insert_frame(Person, frame, bulk=True)

    assert schema_of(Person) == before
    assert not Person.objects.filter(email__iendswith="@acme.example").exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite checks keys at commit")
def test_a_move_of_nobody_in_a_bulk_write_fails_it(db, bulk_from_two_rows):
    frame = people(["ana@acme.example", "bo@acme.example"])
    writes.insert_frame(Person, frame, bulk=True)
    nobody = max(frame["id"].to_list()) + 1_000

    with pytest.raises(IntegrityError), transaction.atomic():
        writes.insert_frame(LifecycleChange, moves([*frame["id"].to_list(), nobody]), bulk=True)

    assert not LifecycleChange.objects.filter(person_id__in=frame["id"].to_list()).exists()
