import datetime as dt
from collections import Counter

import pytest
from tests.factories import AccountFactory

from accord.crm.models import Account, LifecycleChange, LifecycleStage
from accord.handoff.models import Handoff, RoutingMember, RoutingRule
from accord.handoff.routing import NoRepAvailable, NotRoutable, do_route
from accord.handoff.tests.helpers import mql, new_york
from accord.imports.tests.helpers import run_import

OWNER = RoutingRule.Kind.ACCOUNT_OWNER
TERRITORY = RoutingRule.Kind.TERRITORY

FRIDAY_AFTERNOON = new_york(2026, 11, 27, 16)


@pytest.fixture
def rules(make_rule, rep, other_rep, make_rep):
    """Account owner, then EMEA software, then everyone by round robin."""
    emea_rep = make_rep(full_name="Emma Emea")
    make_rule(OWNER)
    make_rule(TERRITORY, members=[emea_rep], regions="EMEA", industries="Software")
    make_rule(members=[rep, other_rep])
    return emea_rep


def test_the_account_owner_gets_the_lead_first(rules, rep, terms):
    person = mql(account=AccountFactory(domain="acme.com", owner=rep, region="EMEA"))

    handoff = do_route(person, terms)

    assert handoff.assigned_to == rep
    assert handoff.reason == "Account owner of acme.com"
    person.refresh_from_db()
    assert person.owner == rep
    assert person.lifecycle_stage == LifecycleStage.MQL  # until the rep accepts


def test_a_lead_without_account_is_matched_to_one_by_email_domain(rules, other_rep, terms):
    account = AccountFactory(domain="acme.com", owner=other_rep)
    person = mql(email="jo@ACME.com", account=None)

    handoff = do_route(person, terms)

    assert handoff.assigned_to == other_rep
    assert handoff.reason == "Account owner of acme.com"
    person.refresh_from_db()
    assert person.account == account


def test_without_an_owner_the_territory_rule_comes_next(rules, terms):
    emea_rep = rules
    person = mql(account=AccountFactory(region="emea", industry="Software", owner=None))

    handoff = do_route(person, terms)

    assert handoff.assigned_to == emea_rep
    assert handoff.reason == "Territory EMEA · Software"


def test_an_owner_who_is_away_is_passed_over(rules, rep, terms):
    emea_rep = rules
    rep.away_until = FRIDAY_AFTERNOON.date()
    rep.save()
    person = mql(account=AccountFactory(region="EMEA", industry="Software", owner=rep))

    handoff = do_route(person, terms, at=FRIDAY_AFTERNOON)

    assert handoff.assigned_to == emea_rep


def test_an_owner_back_from_leave_gets_leads_again(rules, rep, terms):
    rep.away_until = FRIDAY_AFTERNOON.date() - dt.timedelta(days=1)
    rep.save()
    person = mql(account=AccountFactory(owner=rep))

    assert do_route(person, terms, at=FRIDAY_AFTERNOON).assigned_to == rep


def test_an_owner_at_capacity_is_passed_over(rules, rep, terms):
    emea_rep = rules
    RoutingMember.objects.filter(user=rep).update(capacity=1)
    do_route(mql(account=AccountFactory(owner=rep)), terms)

    second = do_route(mql(account=AccountFactory(owner=rep, region="EMEA")), terms)

    assert second.assigned_to == emea_rep


def test_outside_every_territory_the_round_robin_takes_the_lead(rules, rep, other_rep, terms):
    people = [mql(account=AccountFactory(region="AMER", owner=None)) for _ in range(4)]

    handoffs = [do_route(person, terms) for person in people]

    assert [h.assigned_to for h in handoffs] == [rep, other_rep, rep, other_rep]
    assert {h.reason for h in handoffs} == {"Round robin (weight 1)"}


def test_territory_matches_company_size(make_rule, make_rep, terms):
    small, large = make_rep(), make_rep()
    make_rule(TERRITORY, members=[small], employees_max=199)
    make_rule(TERRITORY, members=[large], employees_min=200)

    to_small = do_route(mql(account=AccountFactory(employee_count=50)), terms)
    to_large = do_route(mql(account=AccountFactory(employee_count=5000)), terms)

    assert (to_small.assigned_to, to_large.assigned_to) == (small, large)
    assert to_small.reason == "Territory up to 199 employees"
    assert to_large.reason == "Territory 200+ employees"


def test_round_robin_skips_people_away_and_at_capacity(make_rule, make_rep, terms):
    away = make_rep(away_until=dt.date(2026, 12, 31))
    full = make_rep()
    free = make_rep()
    make_rule(members=[away, (full, {"capacity": 1}), free])

    handoffs = [do_route(mql(), terms, at=FRIDAY_AFTERNOON) for _ in range(4)]

    assert Counter(h.assigned_to for h in handoffs) == {full: 1, free: 3}


def test_weighted_round_robin_shares_leads_by_weight(make_rule, make_rep, terms):
    heavy, light = make_rep(), make_rep()
    make_rule(members=[(heavy, {"weight": 2}), light])

    handoffs = [do_route(mql(), terms) for _ in range(30)]

    assert Counter(h.assigned_to for h in handoffs) == {heavy: 20, light: 10}
    assert [h.assigned_to for h in handoffs[:6]] == [heavy, heavy, light] * 2
    assert handoffs[0].reason == "Round robin (weight 2)"
    assert dict(RoutingMember.objects.values_list("user", "assigned_count")) == {
        heavy.pk: 20,
        light.pk: 10,
    }


def test_an_inactive_rule_is_not_used(make_rule, rep, other_rep, terms):
    make_rule(members=[rep], is_active=False)
    make_rule(members=[other_rep])

    assert do_route(mql(), terms).assigned_to == other_rep


def test_routing_the_same_person_twice_hands_them_off_once(rules, terms):
    person = mql()

    first = do_route(person, terms)
    again = do_route(person, terms)

    assert again == first
    assert Handoff.objects.filter(person=person).count() == 1


def test_only_an_mql_is_routed(rules, terms):
    person = mql(lifecycle_stage=LifecycleStage.LEAD)

    with pytest.raises(NotRoutable, match="only a marketing qualified lead is routed"):
        do_route(person, terms)
    assert not Handoff.objects.exists()


def test_when_nobody_can_take_the_lead_nothing_changes(make_rule, rep, terms):
    rep.away_until = dt.date(2099, 1, 1)
    rep.save()
    make_rule(members=[rep])
    person = mql()

    with pytest.raises(NoRepAvailable, match=person.email):
        do_route(person, terms)

    person.refresh_from_db()
    assert person.owner is None
    assert not Handoff.objects.exists()
    assert not RoutingMember.objects.filter(assigned_count__gt=0).exists()


def test_deadlines_are_stored_in_the_teams_working_hours(rules, terms):
    """Handed off Friday 16:00 in New York (9 to 5, Monday to Friday): four working hours is
    Monday 12:00; two working days (16 hours) is Tuesday 16:00."""
    handoff = do_route(mql(), terms, at=FRIDAY_AFTERNOON)

    handoff.refresh_from_db()
    assert handoff.handed_off_at == FRIDAY_AFTERNOON
    assert handoff.first_touch_due_at == new_york(2026, 11, 30, 12)
    assert handoff.decision_due_at == new_york(2026, 12, 1, 16)
    assert handoff.agreement_version == 3
    assert not LifecycleChange.objects.filter(person=handoff.person).exists()


def test_an_account_owner_imported_from_hubspot_gets_the_lead_first(rules, rep, terms, tmp_path):
    companies = tmp_path / "hubspot-companies.csv"
    companies.write_text(
        '"Record ID","Company name","Company Domain Name","Company owner"\n'
        '"9001","Acme","acme.com","Ray Rep"\n'
    )
    run_import(companies)
    person = mql(account=Account.objects.get(domain="acme.com"))

    assert do_route(person, terms).assigned_to == rep
