"""Reward arithmetic on a hand-computed example, and plans that do not add up."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.goals.plan import PlanError, check_plan
from accord.goals.rewards import compute_payouts, pool, split_evenly

PLAN = {
    "rate": "0.05",
    "threshold": "0.8",
    "split": {"sales": "60", "marketing": "40"},
    "accelerators": [{"above": "1", "multiplier": "1.5"}],
    "recognition": {"share": "10", "model": "linear"},
}


def test_a_hand_computed_quarter():
    """Goal 100,000; won 130,000. Pool: 5% of 80k→100k = 1,000.00, plus 7.5% of 100k→130k =
    2,250.00: 3,250.00. Recognition 10%: 325.00, Ann's idea credited 2,000, Bo's 1,000:
    216.66 + 1 cent (most credited first) = 216.67 and 108.33. Teams share 2,925.00: sales 60%
    1,755.00 over 3 reps = 585.00 each; marketing 1,170.00 over Ann, Bo and Cy: 390.00 each."""
    plan = check_plan(PLAN)

    payouts = compute_payouts(
        won=Decimal("130000"),
        goal=Decimal("100000"),
        plan=plan,
        sales_members=["r1", "r2", "r3"],
        marketing_members=["ann", "bo", "cy"],
        idea_credit={"ann": Decimal("2000"), "bo": Decimal("1000")},
    )

    assert payouts.pool == Decimal("3250.00")
    assert (payouts.recognition, payouts.sales, payouts.marketing) == (
        Decimal("325.00"),
        Decimal("1755.00"),
        Decimal("1170.00"),
    )
    assert payouts.of("r1").total == Decimal("585.00")
    assert payouts.of("ann").recognition == Decimal("216.67")
    assert payouts.of("ann").total == Decimal("606.67")
    assert payouts.of("bo").total == Decimal("498.33")
    assert payouts.of("cy").total == Decimal("390.00")
    assert sum(p.total for p in payouts.people.values()) == payouts.pool


def test_no_pool_below_the_threshold_and_no_accelerator_below_target():
    plan = check_plan(PLAN)
    assert pool(Decimal("80000"), Decimal("100000"), plan) == Decimal("0.00")
    assert pool(Decimal("90000.10"), Decimal("100000"), plan) == Decimal("500.00")  # half-even


def test_a_team_amount_shares_out_its_cents_to_the_first_in_order():
    assert split_evenly(Decimal("100.00"), ["a", "b", "c"]) == {
        "a": Decimal("33.34"),
        "b": Decimal("33.33"),
        "c": Decimal("33.33"),
    }


def test_recognition_nobody_earned_goes_back_to_the_teams():
    payouts = compute_payouts(
        won=Decimal("100000"),
        goal=Decimal("100000"),
        plan=check_plan(PLAN),
        sales_members=["r1"],
        marketing_members=["m1"],
        idea_credit={},
    )
    assert (payouts.pool, payouts.recognition) == (Decimal("1000.00"), Decimal("0.00"))
    assert payouts.of("r1").total + payouts.of("m1").total == Decimal("1000.00")


@given(
    won=st.decimals(min_value=0, max_value=10_000_000, places=2),
    sales=st.integers(min_value=0, max_value=100),
    people=st.integers(min_value=1, max_value=9),
    credit=st.lists(st.decimals(min_value=0, max_value=100_000, places=2), max_size=4),
)
def test_payouts_always_add_up_to_the_pool(won, sales, people, credit):
    plan = check_plan(PLAN | {"split": {"sales": sales, "marketing": 100 - sales}})
    payouts = compute_payouts(
        won=won,
        goal=Decimal("1000000"),
        plan=plan,
        sales_members=[f"s{i}" for i in range(people)],
        marketing_members=[f"m{i}" for i in range(people + 1)],
        idea_credit={f"m{i}": value for i, value in enumerate(credit)},
    )
    assert sum(p.total for p in payouts.people.values()) == payouts.pool


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"split": {"sales": "60", "marketing": "30"}}, "split", "sums to 90%, not 100%"),
        ({"rate": "-0.05"}, "rate", "greater than 0"),
        ({"threshold": "1.2"}, "threshold", "cannot lie above the target"),
        (
            {"accelerators": [{"above": "0.5", "multiplier": "1.5"}]},
            "accelerators",
            "start above the threshold",
        ),
        ({"accelerators": [{"above": "1", "multiplier": "0.5"}]}, "accelerators.0.multiplier", "1"),
        ({"recognition": {"share": "-1"}}, "recognition.share", "greater than or equal to 0"),
        ({"bonus": "1"}, "bonus", "Extra inputs are not permitted"),
    ],
)
def test_a_plan_that_does_not_add_up_is_refused_with_the_field_and_reason(change, field, reason):
    with pytest.raises(PlanError) as refused:
        check_plan(PLAN | change)
    fields = {f for f, _ in refused.value.problems}
    assert field in fields
    assert any(reason in r for f, r in refused.value.problems if f == field)
