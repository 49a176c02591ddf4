"""A batch of MQLs routed at once (the worker's captures) gets the reps that routing them one at
a time would: owners first, territories, turns by weight, capacity and absence respected."""

import datetime as dt
from collections import Counter

from tests.factories import AccountFactory

from accord.crm.models import Person
from accord.handoff.models import Handoff, RoutingMember, RoutingRule
from accord.handoff.routing import do_route, route_batch
from accord.handoff.tests.helpers import mql, new_york

FRIDAY_AFTERNOON = new_york(2026, 11, 27, 16)


def routed(people, terms, **kwargs) -> list[Handoff]:
    locked = list(Person.objects.select_related("account").filter(pk__in=[p.pk for p in people]))
    handoffs = route_batch(sorted(locked, key=lambda p: p.pk), terms, **kwargs)
    return [handoffs[p.pk] for p in people if p.pk in handoffs]


def test_a_batch_shares_the_leads_by_weight_as_one_at_a_time_would(make_rule, make_rep, terms):
    heavy, light = make_rep(), make_rep()
    make_rule(members=[(heavy, {"weight": 2}), light])

    handoffs = routed([mql() for _ in range(6)], terms)

    assert [h.assigned_to for h in handoffs] == [heavy, heavy, light] * 2
    assert dict(RoutingMember.objects.values_list("user", "assigned_count")) == {
        heavy.pk: 4,
        light.pk: 2,
    }
    later = do_route(mql(), terms)  # the turns carry on from the batch's
    assert later.assigned_to == heavy


def test_a_batch_passes_over_reps_away_and_at_capacity(make_rule, make_rep, terms):
    away = make_rep(away_until=dt.date(2026, 12, 31))
    full = make_rep()
    free = make_rep()
    make_rule(members=[away, (full, {"capacity": 1}), free])

    handoffs = routed([mql() for _ in range(4)], terms, at=FRIDAY_AFTERNOON)

    assert Counter(h.assigned_to for h in handoffs) == {full: 1, free: 3}


def test_the_account_owner_and_the_territory_come_before_the_round_robin(
    make_rule, make_rep, rep, other_rep, terms
):
    emea_rep = make_rep()
    make_rule(RoutingRule.Kind.ACCOUNT_OWNER)
    make_rule(RoutingRule.Kind.TERRITORY, members=[emea_rep], regions="EMEA")
    make_rule(members=[other_rep])
    owned = mql(account=AccountFactory(owner=rep, region="AMER"))
    emea = mql(account=None, email="ann@emea.example")
    AccountFactory(domain="emea.example", region="EMEA", owner=None)
    elsewhere = mql(account=AccountFactory(region="AMER", owner=None))

    handoffs = routed([owned, emea, elsewhere], terms)

    assert [h.assigned_to for h in handoffs] == [rep, emea_rep, other_rep]
    assert Person.objects.get(pk=emea.pk).account.domain == "emea.example"
    assert Person.objects.get(pk=owned.pk).owner == rep


def test_people_with_an_open_handoff_keep_it_and_others_are_left_out(make_rule, rep, terms):
    make_rule(members=[rep])
    first = do_route(mql(), terms)
    not_mql = mql(lifecycle_stage="lead")

    handoffs = route_batch(
        [Person.objects.get(pk=first.person_id), Person.objects.get(pk=not_mql.pk)], terms
    )

    assert handoffs == {first.person_id: first}
    assert Handoff.objects.count() == 1
