"""A batch of MQLs routed at once (the worker's captures) gets the reps that routing them one at
a time would: owners first, territories, turns by weight, capacity and absence respected."""

import datetime as dt
from collections import Counter

from tests.factories import AccountFactory

from accord.audit.models import AuditEntry
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


def owner_history(person) -> list[tuple[str, str, str]]:
    entries = AuditEntry.objects.filter(record_type="person", record_id=str(person.pk))
    return list(entries.filter(field="owner").values_list("old_value", "new_value", "reason"))


def test_one_at_a_time_or_in_a_batch_the_owners_history_holds_the_same_changes(
    make_rule, rep, other_rep, terms
):
    make_rule(RoutingRule.Kind.ACCOUNT_OWNER)
    make_rule(members=[other_rep])
    # two leads of an account the rep owns, one the rep already owns; two of nobody's account
    account = AccountFactory(owner=rep)
    owned_alone, owned_in_batch = mql(account=account, owner=rep), mql(account=account, owner=rep)
    new_alone, new_in_batch = mql(account=None), mql(account=None)

    do_route(owned_alone, terms), do_route(new_alone, terms)
    routed([owned_in_batch, new_in_batch], terms)

    assert owner_history(owned_alone) == owner_history(owned_in_batch) == []
    assert (
        owner_history(new_alone)
        == owner_history(new_in_batch)
        == [("", str(other_rep.pk), "Round robin (weight 1)")]
    )
    assert Handoff.objects.get(person=owned_in_batch).assigned_to == rep
