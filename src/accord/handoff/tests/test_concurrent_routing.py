"""Routing and inbox actions at the same moment, on PostgreSQL where transactions run side by
side."""

from collections import Counter

import pytest
from django.db import connection
from tests.concurrency import run_at_once

from accord.handoff.models import Handoff, RoutingMember
from accord.handoff.routing import do_route
from accord.handoff.services import HandoffRefused, do_convert, do_reject
from accord.handoff.tests.helpers import mql

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every writer; concurrency needs PostgreSQL",
    ),
]

THREADS = 8


def test_concurrent_mqls_keep_the_round_robin_even(make_rule, make_rep, terms):
    reps = [make_rep() for _ in range(3)]
    make_rule(members=reps)
    batches = [[mql().pk for _ in range(6)] for _ in range(THREADS)]

    def route_batch(person_ids):
        from accord.crm.models import Person

        return [do_route(Person.objects.get(pk=pk), terms).pk for pk in person_ids]

    run_at_once([lambda ids=ids: route_batch(ids) for ids in batches])

    handoffs = Handoff.objects.all()
    assert handoffs.count() == THREADS * 6
    assert len({h.person_id for h in handoffs}) == THREADS * 6  # nobody handed off twice
    counts = Counter(h.assigned_to_id for h in handoffs)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert dict(RoutingMember.objects.values_list("user_id", "assigned_count")) == counts


def test_the_same_mql_routed_at_once_is_handed_off_once(make_rule, rep, other_rep, terms):
    make_rule(members=[rep, other_rep])
    person = mql()

    handoff_ids = run_at_once([lambda: do_route(person, terms).pk] * THREADS)

    assert len(set(handoff_ids)) == 1
    assert Handoff.objects.filter(person=person).count() == 1
    assert sum(RoutingMember.objects.values_list("assigned_count", flat=True)) == 1


def test_converting_and_rejecting_at_once_lets_exactly_one_win(make_rule, rep, terms):
    from accord.crm.models import LifecycleChange

    make_rule(members=[rep])
    handoff = do_route(mql(), terms)

    def convert():
        return do_convert(handoff, rep).status

    def reject():
        return do_reject(handoff, rep, "no_budget", "", terms).status

    outcomes = run_at_once([convert, reject] * (THREADS // 2), expected=HandoffRefused)

    [won] = [o for o in outcomes if not isinstance(o, HandoffRefused)]
    handoff.refresh_from_db()
    assert handoff.status == won
    moves = LifecycleChange.objects.filter(person=handoff.person).values_list("to_stage", flat=True)
    assert list(moves) == (["sal", "sql"] if won == "converted" else ["lead"])
