"""Columns read back as they were written, on either database: a touch's moment to the
microsecond (a window's edge falls between two touches a microsecond apart), flags, keys, and
an empty table as empty columns of the right types."""

import datetime as dt

import polars as pl
from tests.factories import PersonFactory, TouchpointFactory

from accord.columns.reads import TIME, read_model
from accord.crm.models import Person
from accord.touchpoints.models import Touchpoint


def test_a_moment_reads_back_to_the_microsecond(db):
    someone = PersonFactory()
    on_the_second = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC)
    written = [on_the_second, on_the_second + dt.timedelta(microseconds=1)]
    for at in written:
        TouchpointFactory(person=someone, occurred_at=at)

    touches = read_model(Touchpoint, ("person_id", "occurred_at"))

    assert touches.schema["occurred_at"] == TIME
    assert sorted(touches.rows()) == [(someone.pk, at) for at in written]


def test_flags_and_keys_read_back_as_written(db):
    with_account = PersonFactory(is_decision_maker=True)
    without = PersonFactory(account=None, is_decision_maker=False)

    people = read_model(Person, ("id", "account_id", "is_decision_maker"))

    assert sorted(people.rows()) == sorted(
        [(with_account.pk, with_account.account_id, True), (without.pk, None, False)]
    )


def test_an_empty_table_reads_as_empty_columns_of_their_types(db):
    touches = read_model(Touchpoint, ("id", "kind", "occurred_at"))

    assert touches.height == 0
    assert touches.schema == pl.Schema({"id": pl.Int64, "kind": pl.String, "occurred_at": TIME})
