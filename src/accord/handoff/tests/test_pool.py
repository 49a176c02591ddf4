"""MQLs no rep holds (made MQL by a new agreement's rescore, an import or by hand) handed to
reps by the sales head, longest waiting first."""

import datetime as dt
from collections import Counter

import pytest
from tests.factories import PersonFactory

from accord.crm.models import LifecycleStage
from accord.crm.services import do_change_lifecycle_stage
from accord.handoff.models import Handoff
from accord.handoff.selectors import pool_mqls
from accord.handoff.tests.helpers import new_york

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(agreement, make_rule, rep, other_rep):
    """Three MQLs no rep holds, qualified on 3, 1 and 2 November."""
    make_rule(members=[rep, other_rep])
    people = []
    for n, day in enumerate((3, 1, 2)):
        person = PersonFactory(email=f"pool{n}@northwind.example")
        at = new_york(2026, 11, day, 9)
        do_change_lifecycle_stage(person, LifecycleStage.MQL, reason="agreement v2", at=at)
        people.append(person)
    return people


def held(people) -> dict[str, str]:
    open_handoffs = Handoff.objects.filter(person__in=people, status__in=Handoff.OPEN)
    return dict(open_handoffs.values_list("person__email", "assigned_to__email"))


def test_the_sales_head_hands_the_pool_to_reps(client, sales_head, waiting):
    client.force_login(sales_head)

    before = client.get("/inbox/").content.decode()
    response = client.post("/inbox/pool/route/", follow=True)

    assert "3 MQLs wait in the pool, held by no rep" in before
    page = response.content.decode()
    assert "Handed 3 MQLs from the pool to reps." in page
    assert 'data-testid="pool"' not in page
    assert sorted(Counter(held(waiting).values()).values()) == [1, 2]  # round robin over two
    assert not pool_mqls().exists()


def test_the_longest_waiting_go_first_a_batch_at_a_time(api_as, sales_head, waiting):
    answer = api_as(sales_head).post("/handoffs/pool/route", {"limit": 2})

    assert answer.status_code == 200
    assert answer.json() == {"routed": 2, "no_rep": 0, "waiting": 1}
    assert set(held(waiting)) == {"pool1@northwind.example", "pool2@northwind.example"}


def test_a_rep_neither_sees_nor_routes_the_pool(client, api_as, rep, waiting):
    client.force_login(rep)

    page = client.get("/inbox/").content.decode()
    answer = api_as(rep).post("/handoffs/pool/route", {})

    assert 'data-testid="pool"' not in page
    assert answer.status_code == 403
    assert held(waiting) == {}


def test_an_mql_no_rep_can_take_stays_in_the_pool(api_as, sales_head, waiting, rep, other_rep):
    for away in (rep, other_rep):
        away.away_until = dt.date(2099, 1, 1)
        away.save(update_fields=["away_until"])

    answer = api_as(sales_head).post("/handoffs/pool/route", {})

    assert answer.json() == {"routed": 0, "no_rep": 3, "waiting": 3}
    assert held(waiting) == {}
