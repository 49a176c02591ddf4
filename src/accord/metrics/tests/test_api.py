"""GET /api/v1/metrics/...: the dashboard's numbers as typed JSON."""

import datetime as dt
from datetime import UTC
from decimal import Decimal

import pytest
from tests.factories import AccountFactory, OpportunityFactory, PersonFactory, TouchpointFactory

from accord.metrics.tests.test_dashboard import PERIOD
from accord.metrics.tests.test_queries import FEB, JAN, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    person(JAN, ["lead", "mql", "sal"], days=[0, 2, 3])
    person(FEB, ["lead", "mql"], days=[0, 4])


def test_funnel_answers_counts_and_rates_by_cohort(api_as, sales_head, history):
    response = api_as(sales_head).get("/metrics/funnel", **PERIOD)

    assert response.status_code == 200
    body = response.json()
    assert [(s["stage"], s["people"]) for s in body["total"][1:4]] == [
        ("lead", 2), ("mql", 2), ("sal", 1),
    ]  # fmt: skip
    assert body["total"][3]["rate_from_previous"] == 0.5
    assert [c["month"] for c in body["cohorts"]] == ["2026-01-01", "2026-02-01"]


def test_velocity_answers_days_per_stage(api_as, marketer, history):
    body = api_as(marketer).get("/metrics/velocity", **PERIOD).json()

    lead_to_mql = next(v for v in body if v["from_stage"] == "lead")
    assert (lead_to_mql["people"], lead_to_mql["median_days"]) == (2, 3.0)


def test_sla_answers_both_teams(api_as, rep, history):
    body = api_as(rep).get("/metrics/sla", **PERIOD, mql_commitment=1).json()

    assert body["commitment_source"] == "parameter"
    assert [m["delivered"] for m in body["marketing"]] == [1, 1, 0]
    assert [s["handoffs"] for s in body["sales"]] == [0, 0, 0]


def test_roi_names_an_unknown_model(api_as, marketer):
    response = api_as(marketer).get("/metrics/roi", **PERIOD, model="magic")

    assert response.status_code == 422
    assert "unknown model 'magic'" in str(response.json()["detail"])


def test_roi_without_a_token_is_refused(client):
    assert client.get("/api/v1/metrics/roi", PERIOD).status_code == 401


def test_attribution_by_account_joins_the_touches_of_its_people(api_as, marketer):
    """Ann (e-mail, 1 Feb) and Bob (paid search, 10 Feb) work at Acme, whose deal of 6,000 with
    no contact named was won on 20 Feb. By account that is one journey e-mail > paid search:
    first touch gives e-mail all 6,000, last touch paid search all, linear 3,000 each, and
    Markov 3,000 each (without either channel the only path no longer converts). By person
    neither converts, so nothing is credited."""
    acme = AccountFactory(name="Acme")
    ann, bob = PersonFactory(account=acme), PersonFactory(account=acme)
    OpportunityFactory(
        account=acme,
        primary_contact=None,
        stage="closed_won",
        amount=Decimal("6000"),
        created_date=dt.date(2026, 1, 20),
        close_date=dt.date(2026, 2, 20),
    )
    TouchpointFactory(person=ann, channel="email", occurred_at=dt.datetime(2026, 2, 1, tzinfo=UTC))
    TouchpointFactory(
        person=bob, channel="paid_search", occurred_at=dt.datetime(2026, 2, 10, tzinfo=UTC)
    )

    response = api_as(marketer).get("/metrics/attribution", **PERIOD, journey="account")

    assert response.status_code == 200
    revenue = {row["name"]: row["revenue"] for row in response.json()["rows"]}
    assert revenue == {
        "email": {"first_touch": "6000.00", "last_touch": "0.00", "linear": "3000.00",
                  "markov": "3000.00", "shapley": "3000.00"},
        "paid_search": {"first_touch": "0.00", "last_touch": "6000.00", "linear": "3000.00",
                        "markov": "3000.00", "shapley": "3000.00"},
    }  # fmt: skip
    by_person = api_as(marketer).get("/metrics/attribution", **PERIOD, journey="person")
    assert by_person.json()["rows"] == []
