"""Setting the shared goal, versioning the reward plan, recording campaign ideas."""

import datetime as dt
from decimal import Decimal

import pytest
from tests.factories import CampaignFactory

from accord.audit.models import AuditEntry
from accord.crm.services import InvalidChange
from accord.goals.models import RevenueGoal, RewardPlanVersion
from accord.goals.plan import PlanError, check_plan
from accord.goals.services import do_record_idea, do_save_plan, do_set_goal
from accord.goals.tests.conftest import PLAN
from accord.teams.access import AccessDenied

pytestmark = pytest.mark.django_db


def test_a_head_sets_the_goal_for_the_quarter_holding_a_day(sales_head):
    goal = do_set_goal(sales_head, period="quarter", day=dt.date(2026, 5, 9), amount=Decimal("5"))

    assert (goal.starts_on, goal.ends_on, goal.name) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
        "Q2 2026",
    )


def test_setting_the_same_period_again_changes_its_amount(marketing_head):
    do_set_goal(marketing_head, period="month", day=dt.date(2026, 3, 3), amount=Decimal("10"))
    do_set_goal(marketing_head, period="month", day=dt.date(2026, 3, 30), amount=Decimal("20"))

    assert list(RevenueGoal.objects.values_list("amount", flat=True)) == [Decimal("20.00")]


def test_a_month_inside_a_quarter_with_a_goal_is_refused(sales_head):
    do_set_goal(sales_head, period="quarter", day=dt.date(2026, 1, 1), amount=Decimal("9"))

    with pytest.raises(InvalidChange, match="overlaps the goal for Q1 2026") as refused:
        do_set_goal(sales_head, period="month", day=dt.date(2026, 2, 1), amount=Decimal("3"))
    assert refused.value.field == "period"


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5")])
def test_a_goal_of_nothing_is_refused(sales_head, amount):
    with pytest.raises(InvalidChange, match="above zero|not negative") as refused:
        do_set_goal(sales_head, period="month", day=dt.date(2026, 2, 1), amount=amount)
    assert refused.value.field == "amount"


def test_a_rep_or_a_marketer_may_not_set_goals_or_plans(rep, marketer):
    with pytest.raises(AccessDenied):
        do_set_goal(rep, period="month", day=dt.date(2026, 2, 1), amount=Decimal("1"))
    with pytest.raises(AccessDenied):
        do_save_plan(marketer, check_plan(PLAN))


def test_each_plan_is_a_new_version_and_its_changed_terms_are_in_the_audit_trail(
    marketing_head, sales_head
):
    do_save_plan(marketing_head, check_plan(PLAN))
    do_save_plan(sales_head, check_plan(PLAN | {"split": {"sales": "50", "marketing": "50"}}))

    assert list(RewardPlanVersion.objects.values_list("number", flat=True)) == [2, 1]
    changes = AuditEntry.objects.filter(record_type="reward_plan", reason="reward plan v2")
    assert {(c.field, c.old_value, c.new_value) for c in changes} == {
        ("split.sales", "60", "50"),
        ("split.marketing", "40", "50"),
    }
    assert changes.get(field="split.sales").actor == sales_head


def test_a_plan_that_does_not_add_up_is_not_stored(marketing_head):
    with pytest.raises(PlanError) as refused:
        do_save_plan(marketing_head, check_plan(PLAN | {"rate": "-0.1"}))

    assert refused.value.problems[0][0] == "rate"
    assert not RewardPlanVersion.objects.exists()


def test_an_idea_is_recorded_once_per_person_and_campaign(marketing_head, marketer):
    campaign = CampaignFactory()
    first = do_record_idea(marketing_head, campaign=campaign, person=marketer)
    again = do_record_idea(marketing_head, campaign=campaign, person=marketer)

    assert first.pk == again.pk
