"""The goals page: progress, the plan in words, and the payouts each person may see."""

import pytest

from accord.goals.models import RewardPlanVersion

pytestmark = pytest.mark.django_db


def test_the_goals_page_asks_to_sign_in(client):
    assert client.get("/goals/").status_code == 302


def test_a_rep_sees_the_progress_the_plan_and_only_their_payout(client, quarter, rep):
    client.force_login(rep)

    response = client.get(f"/goals/?goal={quarter.pk}")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Won revenue against the shared goal (USD)"' in page
    assert "Won $130,000.00 of the $100,000.00 goal for Q1 2026 (130%)" in page
    assert "5% of the won revenue above 80% of the goal goes into the pool." in page
    assert [(str(p.person), p.total) for p in response.context["payouts"]] == [("Ray Rep", 585)]
    assert "Rita Rep" not in page
    assert "rounded half to even to the cent" in page
    assert "Change the plan" not in page


def test_a_head_sees_the_team_and_the_forms(client, quarter, sales_head):
    client.force_login(sales_head)

    response = client.get(f"/goals/?goal={quarter.pk}")

    names = {str(p.person) for p in response.context["payouts"]}
    assert names == {"Sam Head", "Ray Rep", "Rita Rep"}
    assert "Change the plan" in response.content.decode()


def test_a_head_saves_a_plan_from_the_form(client, marketing_head):
    client.force_login(marketing_head)
    form = {
        "rate": "4",
        "threshold": "90",
        "sales": "50",
        "marketing": "50",
        "accelerator_above": "110",
        "accelerator_multiplier": "2",
        "recognition": "5",
        "model": "first_touch",
    }

    response = client.post("/goals/plan/", form)

    assert response.status_code == 302
    plan = RewardPlanVersion.objects.get().plan
    assert (str(plan.rate), str(plan.threshold), str(plan.accelerators[0].above)) == (
        "0.04",
        "0.9",
        "1.1",
    )


def test_a_split_that_does_not_sum_to_100_is_refused_with_the_reason(client, marketing_head):
    client.force_login(marketing_head)
    form = {"rate": "4", "threshold": "90", "sales": "70", "marketing": "50", "recognition": "0"}

    response = client.post("/goals/plan/", form | {"model": "linear"})

    assert response.status_code == 400
    assert response.context["plan_form"].errors["sales"] == [
        "the split between sales and marketing sums to 120%, not 100%"
    ]
    assert not RewardPlanVersion.objects.exists()


def test_a_head_sets_a_goal_from_the_form(client, sales_head):
    client.force_login(sales_head)

    response = client.post(
        "/goals/set/",
        {"period": "month", "day": "2026-03-04", "amount": "25000", "currency": "eur"},
    )

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "March 2026" in page and "€25,000.00 goal" in page


def test_the_navigation_has_goals(client, rep):
    client.force_login(rep)

    nav = client.get("/goals/").context["nav"]

    assert {"label": "Goals", "url": "/goals/", "active": True} in nav
