"""Progress and payouts from the database, and who sees which payout."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from accord.goals import selectors as s
from accord.goals.plan import check_plan
from accord.goals.services import do_save_plan, do_set_goal
from accord.goals.tests.conftest import PLAN, Q1
from accord.metrics import queries as q

pytestmark = pytest.mark.django_db


def test_progress_counts_deals_won_in_the_period_only(quarter):
    progress = s.goal_progress(quarter)

    assert (progress.goal, progress.won_revenue, progress.won_deals) == (
        Decimal("100000.00"),
        Decimal("130000.00"),
        2,
    )
    assert progress.progress == 1.3


def test_the_metrics_query_layer_reads_the_goal_of_the_period_holding_a_day(quarter):
    in_the_quarter = q.run_goal_progress(q.GoalProgressQuery(day=dt.date(2026, 3, 31)))
    after_it = q.run_goal_progress(q.GoalProgressQuery(day=dt.date(2026, 4, 1)))

    assert (in_the_quarter.name, in_the_quarter.goal) == ("Q1 2026", Decimal("100000.00"))
    assert after_it is None


def test_payouts_of_the_quarter_match_the_hand_computed_figures(quarter, marketer, rep, sales_head):
    result = s.goal_payouts(quarter)

    money = result.payouts
    assert (money.pool, money.recognition, money.sales, money.marketing) == (
        Decimal("3250.00"),
        Decimal("325.00"),
        Decimal("1755.00"),
        Decimal("1170.00"),
    )
    assert money.of(rep).total == money.of(sales_head).total == Decimal("585.00")
    assert money.of(marketer).recognition == Decimal("325.00")
    assert money.of(marketer).total == Decimal("910.00")


def test_a_rep_sees_only_their_own_payout(quarter, rep):
    rows = s.payouts_visible_to(rep, s.goal_payouts(quarter))

    assert [(p.person, p.total) for p in rows] == [(rep, Decimal("585.00"))]


def test_a_head_sees_their_team_and_a_marketer_only_themselves(
    quarter, sales_head, marketer, rep, other_rep
):
    result = s.goal_payouts(quarter)

    assert {p.person for p in s.payouts_visible_to(sales_head, result)} == {
        sales_head,
        rep,
        other_rep,
    }
    assert [p.person for p in s.payouts_visible_to(marketer, result)] == [marketer]


def test_without_a_plan_there_are_no_payouts(sales_head):
    goal = do_set_goal(sales_head, period="quarter", day=Q1, amount=Decimal("1000"))

    assert s.goal_payouts(goal) is None


def test_each_period_is_paid_under_the_plan_in_force_in_it(quarter, marketing_head, sales_head):
    """Q1 closed under the plan of the fixture (5%); a plan of 10% saved in May pays Q2 only."""
    with time_machine.travel(dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC), tick=False):
        do_save_plan(sales_head, check_plan(PLAN | {"rate": "0.10"}))
    q2 = do_set_goal(sales_head, period="quarter", day=dt.date(2026, 5, 1), amount=Decimal("40000"))

    first, second = s.goal_payouts(quarter), s.goal_payouts(q2)

    assert (first.plan.number, first.payouts.pool) == (1, Decimal("3250.00"))
    # won 50,000 in Q2: 10% of the 8,000 from 80% of the goal to the goal, 15% of 10,000 above
    assert (second.plan.number, second.payouts.pool) == (2, Decimal("2300.00"))


def test_a_period_that_ended_before_the_first_plan_has_no_payouts(quarter, sales_head):
    earlier = do_set_goal(sales_head, period="month", day=dt.date(2025, 11, 1), amount=Decimal("9"))

    assert s.goal_payouts(earlier) is None
