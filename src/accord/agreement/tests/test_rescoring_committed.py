"""Rescoring everybody outside a transaction, as `accord score --all` and the worker do: the
people and touches are then read as Arrow columns on a connection of their own (on SQLite when
the database is a file)."""

import datetime as dt
import sqlite3
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.utils import timezone
from tests.factories import AccountFactory, PersonFactory, TouchpointFactory

from accord.agreement.models import LeadScore
from accord.agreement.services import do_create_draft, do_rescore_all, do_sign
from accord.agreement.tests.conftest import document_data
from accord.columns import reads as column_reads

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def arrow_reads(monkeypatch, tmp_path):
    """The tables each read as Arrow columns went to. On SQLite the test database is in memory,
    which no other connection sees: `on_file()` copies it to a file and points the reads there."""
    original = column_reads.read_apart

    def read_apart(queries, desc="", progress=False):
        reads.tables.append([sql.rsplit(" FROM ", 1)[1].split()[0] for sql, _, _ in queries])
        reads.sql.append([sql for sql, _, _ in queries])
        return original(queries, desc, progress)

    def on_file():
        if connection.vendor == "sqlite":
            copy = sqlite3.connect(tmp_path / "accord.sqlite3")
            connection.connection.backup(copy)
            copy.close()
            monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "accord.sqlite3"))

    reads = SimpleNamespace(tables=[], sql=[], on_file=on_file)
    monkeypatch.setattr(column_reads, "read_apart", read_apart)
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


def test_a_vacuumed_touch_table_gives_the_same_scores_from_its_index(
    marketer, marketing_head, sales_head, arrow_reads
):
    """On PostgreSQL the window's touches are read from the index of touches by time once
    VACUUM has marked the table's pages visible to all, else by ranges of the table's pages:
    the scores are the same either way, at the edges of the window too."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's index always answers alone")
    software = AccountFactory(industry="Software", employee_count=300)
    people = [PersonFactory(account=software) for _ in range(4)]
    draft = do_create_draft(marketer, document_data(engagement={"window_days": 30}))
    do_sign(draft, marketing_head)
    do_sign(draft, sales_head)
    for days, person in zip((1, 29, 31, 400), people, strict=True):
        when = timezone.now() - dt.timedelta(days=days)
        TouchpointFactory(person=person, kind="form_fill", occurred_at=when)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE touchpoints_touchpoint")
    by_pages = do_rescore_all()
    scores = dict(LeadScore.objects.values_list("person_id", "total"))
    LeadScore.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE touchpoints_touchpoint")

    from_index = do_rescore_all()

    assert dict(LeadScore.objects.values_list("person_id", "total")) == scores
    assert (by_pages.changed, from_index.changed) == (4, 4)
    # a touch inside the window counts, one outside nothing
    assert scores[people[1].pk] > scores[people[2].pk] == scores[people[3].pk]
    touch_reads = [
        [sql for sql in run if "touchpoints_touchpoint" in sql] for run in arrow_reads.sql
    ]
    assert ["ctid" in sql for sql in touch_reads[0]] == [True, True]
    assert ["ctid" in sql for sql in touch_reads[2]] == [False, False]


@pytest.fixture
def django_on_sqlite_file(tmp_path, monkeypatch, transactional_db):
    """Django's own connection on an SQLite file in WAL mode, as `accord` runs by default (the
    test database is otherwise in memory); its path."""
    if connection.vendor != "sqlite":
        pytest.skip("how several connections share one SQLite file")
    path = tmp_path / "accord.sqlite3"
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    in_memory = connection.connection
    monkeypatch.setitem(connection.settings_dict, "NAME", str(path))
    connection.connection = None
    connection.ensure_connection()
    yield path
    connection.connection.close()
    connection.connection = in_memory


def _count_in_another_process(path, sql: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", READ_COUNT, str(path), sql], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


READ_COUNT = (
    "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])"
)


def test_other_processes_see_the_new_scores_on_an_sqlite_file(
    signed_in_force, django_on_sqlite_file
):
    """The reads side by side must leave the database's write-ahead log alone: a second copy of
    SQLite in this process that opened and closed the file took the log for its own and deleted
    it while Django's connection still wrote to it (scores then missing for the web server and
    the worker, or the process killed by SIGBUS on a large database)."""
    software = AccountFactory(industry="Software", employee_count=300)
    people = [PersonFactory(account=software) for _ in range(3)]
    for person in people:
        TouchpointFactory(person=person, kind="form_fill")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"

    result = do_rescore_all()

    assert result.changed == 3
    count = "SELECT count(*) FROM agreement_leadscore"
    assert _count_in_another_process(django_on_sqlite_file, count) == 3
