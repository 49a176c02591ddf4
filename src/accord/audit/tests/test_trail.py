"""The audit trail: what is recorded, and that nobody can change it afterwards."""

import pytest
from django.db import DatabaseError, connection, transaction

from accord.audit.models import AppendOnly, AuditEntry
from accord.audit.selectors import AuditFilter, history_for, search_audit
from accord.audit.services import (
    record_change,
    record_changes,
    record_column_changes,
    record_diff,
)

pytestmark = pytest.mark.django_db


def _entry(**fields):
    defaults = {"actor": None, "action": "changed", "record_type": "person", "record_id": 1}
    return record_change(**(defaults | fields))


def test_an_entry_cannot_be_changed_or_deleted_through_the_orm(rep):
    entry = _entry(actor=rep, field="owner", old=None, new=rep.pk)
    entry.new_value = "someone else"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(new_value="x")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).new_value == str(rep.pk)


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditentry SET new_value = 'forged'", "DELETE FROM audit_auditentry"]
)
def test_the_database_refuses_to_change_or_delete_an_entry(sql):
    entry = _entry(field="lifecycle_stage", old="lead", new="mql")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).new_value == "mql"


def test_bulk_rows_skip_unchanged_values_and_share_their_context():
    rows = [(1, "lead", "mql"), (2, "mql", "mql"), (3, None, "lead")]
    written = record_changes(
        rows, record_type="person", field="lifecycle_stage", reason="import people.csv"
    )
    assert written == 2
    assert sorted(AuditEntry.objects.values_list("record_id", "old_value", "new_value")) == [
        ("1", "lead", "mql"),
        ("3", "", "lead"),
    ]
    assert set(AuditEntry.objects.values_list("reason", flat=True)) == {"import people.csv"}


@pytest.mark.parametrize("unchanged", [0, 20_000])  # many rows share their context otherwise
def test_column_changes_keep_who_when_and_why_exactly_as_given(marketer, unchanged):
    import datetime as dt

    import polars as pl

    at = dt.datetime(2026, 12, 6, 2, 30, 15, 123456, tzinfo=dt.UTC)
    changes = pl.DataFrame(
        {
            "id": [7, 8, 9, *range(10, 10 + unchanged)],
            "old": [10, 20, None, *range(unchanged)],
            "new": [15, 20, 5, *(n + 1 for n in range(unchanged))],
        }
    )
    reason = "import O'Brien 100% “final”.csv"

    written = record_column_changes(
        changes, record_type="person", field="score", actor=marketer, reason=reason, at=at
    )

    entries = AuditEntry.objects.filter(record_id__in=["7", "8", "9"]).order_by("record_id")
    assert written == AuditEntry.objects.count() == 2 + unchanged
    assert [(e.record_id, e.old_value, e.new_value) for e in entries] == [
        ("7", "10", "15"),
        ("9", "", "5"),
    ]
    shared = AuditEntry.objects.order_by().values_list("at", "actor_id", "reason", "action")
    assert set(shared) == {(at, marketer.pk, reason, "changed")}


def test_a_diff_records_only_the_fields_that_changed(marketer):
    from decimal import Decimal

    written = record_diff(
        actor=marketer,
        record_type="opportunity",
        record_id=7,
        old={"stage": "prospecting", "amount": Decimal("100.00")},
        new={"stage": "proposal", "amount": Decimal("100.00")},
    )
    assert written == 1
    assert history_for("opportunity", 7).get().field == "stage"


def test_search_by_actor_field_and_system(rep):
    _entry(actor=rep, field="owner", record_id=5)
    _entry(actor=None, field="lifecycle_stage", record_id=5)
    assert search_audit(AuditFilter(actor=rep.email.upper())).get().field == "owner"
    assert search_audit(AuditFilter(actor="system")).get().field == "lifecycle_stage"
    assert search_audit(AuditFilter(record_type="person", record_id="5")).count() == 2


def test_a_date_range_includes_both_of_its_days():
    import datetime as dt

    for day in (1, 2, 3, 4):
        _entry(record_id=day, at=dt.datetime(2026, 3, day, 23, 59, tzinfo=dt.UTC))

    found = search_audit(AuditFilter(since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 3)))
    assert sorted(found.values_list("record_id", flat=True)) == ["2", "3"]
