"""Helpers for handoff tests: SLA terms, routing rules and MQLs."""

import pytest
from tests.factories import AccountFactory

from accord.agreement.services import do_rescore_people
from accord.handoff.models import RoutingMember, RoutingRule
from accord.handoff.routing import do_route
from accord.handoff.selectors import terms_in_force
from accord.handoff.terms import SlaTerms
from accord.handoff.tests.helpers import mql
from accord.teams.models import User


@pytest.fixture
def terms():
    return SlaTerms(
        first_touch_hours=4,
        decision_days=2,
        recycle_to={"wrong_fit": "disqualified", "duplicate": "disqualified"},
        agreement_version=3,
    )


@pytest.fixture
def make_rule(sales_team):
    positions = iter(range(10, 1000, 10))

    def make(kind=RoutingRule.Kind.ROUND_ROBIN, members=(), **fields):
        rule = RoutingRule.objects.create(
            position=next(positions), kind=kind, team=sales_team, **fields
        )
        for member in members:
            user, options = member if isinstance(member, tuple) else (member, {})
            RoutingMember.objects.create(rule=rule, user=user, **options)
        return rule

    return make


@pytest.fixture
def make_rep(sales_team):
    count = iter(range(1, 1000))

    def make(**fields):
        n = next(count)
        fields.setdefault("full_name", f"Rep {n}")
        return User.objects.create_user(
            f"rr{n}@demo.accord", team=sales_team, role=User.Role.REP, **fields
        )

    return make


@pytest.fixture
def agreement(agreement_in_force):
    return agreement_in_force


@pytest.fixture
def lead(agreement, make_rule):
    """`lead(rep, email=..., at=...)`: a scored MQL from a software company, routed to `rep`."""
    rules = {}

    def make(rep, at=None, **fields):
        if rep not in rules:
            rules[rep] = make_rule(members=[rep])
        RoutingRule.objects.update(is_active=False)
        RoutingRule.objects.filter(pk=rules[rep].pk).update(is_active=True)
        account = AccountFactory(industry="Software", employee_count=500, region="EMEA")
        person = mql(account=account, seniority="vp", is_decision_maker=True, **fields)
        do_rescore_people([person.pk])
        return do_route(person, terms_in_force(), at=at)

    return make
