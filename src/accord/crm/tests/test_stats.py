"""`accord stats`: the live records, and those a CRM deleted or merged away apart."""

import json
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from tests.factories import AccountFactory, OpportunityFactory, PersonFactory


def stats(*args) -> str:
    out = StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


def test_archived_records_are_counted_apart_from_the_live_ones(db):
    gone = timezone.now()
    acme = AccountFactory()
    AccountFactory(archived_at=gone)
    PersonFactory.create_batch(3, lifecycle_stage="lead", account=acme)
    PersonFactory.create_batch(2, lifecycle_stage="lead", account=acme, archived_at=gone)
    OpportunityFactory(stage="closed_won", account=acme)
    OpportunityFactory(stage="closed_won", account=acme, archived_at=gone)

    counts = json.loads(stats("--json"))

    assert (counts["accounts"], counts["people"], counts["opportunities"]) == (1, 3, 1)
    assert counts["people_by_stage"]["lead"] == 3
    assert counts["opportunities_won"] == 1
    assert counts["archived"] == {"accounts": 1, "people": 2, "opportunities": 1}
    assert "Archived                4  (1 accounts, 2 people, 1 opportunities)" in stats()
