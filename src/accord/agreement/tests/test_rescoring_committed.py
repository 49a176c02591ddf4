"""Rescoring everybody outside a transaction, as `accord score --all` and the worker do: the
people and touches are then read as Arrow columns on a connection of their own (on SQLite when
the database is a file)."""

import sqlite3
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from tests.factories import AccountFactory, PersonFactory, TouchpointFactory

from accord.agreement import rescoring
from accord.agreement.models import LeadScore
from accord.agreement.services import do_rescore_all

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def arrow_reads(monkeypatch, tmp_path):
    """The tables each read as Arrow columns went to. On SQLite the test database is in memory,
    which no other connection sees: `on_file()` copies it to a file and points the reads there."""
    original = rescoring._read_apart

    def read_apart(queries, desc, progress):
        reads.tables.append([sql.split(" FROM ")[1].split()[0] for sql, _, _ in queries])
        return original(queries, desc, progress)

    def on_file():
        if connection.vendor == "sqlite":
            copy = sqlite3.connect(tmp_path / "accord.sqlite3")
            connection.connection.backup(copy)
            copy.close()
            monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "accord.sqlite3"))

    reads = SimpleNamespace(tables=[], on_file=on_file)
    monkeypatch.setattr(rescoring, "_read_apart", read_apart)
    return reads


def test_outside_a_transaction_everybody_is_scored_as_inside_one(signed_in_force, arrow_reads):
    software = AccountFactory(industry="Software", employee_count=300)
    people = [PersonFactory(account=software), PersonFactory(), PersonFactory(email="x@gmail.com")]
    for kind in ("form_fill", "form_fill", "page_view"):
        TouchpointFactory(person=people[0], kind=kind)
    TouchpointFactory(person=people[1], kind="page_view")
    with transaction.atomic():
        inside = do_rescore_all()
    scores = dict(LeadScore.objects.values_list("person_id", "digest"))
    assert arrow_reads.tables == []
    arrow_reads.on_file()

    outside = do_rescore_all()

    assert (inside.scored, inside.changed, inside.mqls) == (3, 3, 1)
    assert (outside.scored, outside.changed, outside.mqls) == (3, 0, 1)
    assert dict(LeadScore.objects.values_list("person_id", "digest")) == scores
    assert [line.rule for line in LeadScore.objects.get(person=people[0]).explanation] == [
        "Software company",
        "Mid-market",
        "Engagement: form fill",
        "Engagement: page view",
    ]
    touches_in_two = ["touchpoints_touchpoint"] * 2
    assert arrow_reads.tables == [
        [*touches_in_two, "crm_person", "crm_account"],
        ["agreement_leadscore"],
    ]
