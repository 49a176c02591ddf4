"""A lead the CRM deleted is archived in Accord with its history: its open handoff waits in no
inbox and no SLA clock of it breaches, and as an MQL it is handed to nobody."""

import datetime as dt

from django.utils import timezone

from accord.crm.models import Person
from accord.handoff.routing import do_route
from accord.handoff.selectors import pool_mqls
from accord.handoff.services import do_mark_breaches
from accord.handoff.tests.helpers import inbox_for, mql


def _archive(person):
    Person.objects.filter(pk=person.pk).update(archived_at=timezone.now())


def test_an_archived_leads_handoff_leaves_the_inbox_and_never_breaches(make_rule, rep, terms):
    make_rule(members=[rep])
    kept = do_route(mql(), terms, at=timezone.now() - dt.timedelta(days=30))
    gone = do_route(mql(), terms, at=timezone.now() - dt.timedelta(days=30))

    _archive(gone.person)

    assert [item.handoff.pk for item in inbox_for(rep)] == [kept.pk]
    assert [b.handoff.pk for b in do_mark_breaches() if b.clock == "first_touch"] == [kept.pk]


def test_an_archived_mql_is_not_in_the_pool(db):
    waiting, gone = mql(), mql()

    _archive(gone)

    assert list(pool_mqls()) == [waiting]
