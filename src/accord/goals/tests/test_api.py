"""The goals API: goals with progress, the plan, payouts within what one may see."""

import pytest

from accord.goals.tests.conftest import PLAN

pytestmark = pytest.mark.django_db


def test_goals_come_with_their_progress(api_as, quarter, rep):
    goals = api_as(rep).get("/goals").json()

    assert goals[0]["name"] == "Q1 2026"
    assert (goals[0]["won_revenue"], goals[0]["progress"]) == ("130000.00", 1.3)


def test_a_plan_that_does_not_add_up_answers_422_naming_the_field(api_as, sales_head):
    body = PLAN | {"split": {"sales": "70", "marketing": "40"}}

    response = api_as(sales_head).post("/goals/plan", body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "split"]
    assert "sums to 110%" in response.json()["detail"][0]["msg"]


def test_a_rep_may_not_change_the_plan(api_as, rep):
    assert api_as(rep).post("/goals/plan", PLAN).status_code == 403


def test_a_rep_reads_only_their_own_payout(api_as, quarter, rep):
    body = api_as(rep).get(f"/goals/{quarter.pk}/payouts").json()

    assert body["pool"] == "3250.00"
    assert [(p["person"], p["total"]) for p in body["payouts"]] == [("Ray Rep", "585.00")]


def test_a_head_sets_a_goal(api_as, marketing_head):
    response = api_as(marketing_head).post(
        "/goals", {"period": "month", "day": "2026-07-09", "amount": "1000"}
    )

    assert response.status_code == 201
    assert response.json()["starts_on"] == "2026-07-01"
