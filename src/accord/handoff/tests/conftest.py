"""Helpers for handoff tests: SLA terms, routing rules and MQLs."""

import pytest

from accord.handoff.models import RoutingMember, RoutingRule
from accord.handoff.terms import SlaTerms
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
