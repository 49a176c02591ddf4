"""A holdout's assignment and the lift it measures, against figures worked out by hand."""

from collections import Counter

import pytest

from accord.attribution import InputError
from accord.attribution.experiments import (
    Arm,
    assign_holdout,
    calibrated_credit,
    conversion_difference,
    measure_lift,
    power,
    revenue_difference,
)


def test_the_conversion_interval_is_newcombes_worked_example():
    # Newcombe (1998), Statistics in Medicine 17:873, table II example (a): 56/70 against 48/80,
    # method 10 (hybrid score) gives 0.0524 to 0.3339 around a difference of 0.2
    interval = conversion_difference(Arm(70, 56, 0, 0), Arm(80, 48, 0, 0))
    assert interval.estimate == pytest.approx(0.2)
    assert interval.low == pytest.approx(0.0524, abs=5e-5)
    assert interval.high == pytest.approx(0.3339, abs=5e-5)


def test_the_revenue_interval_is_the_difference_of_means_plus_or_minus_welchs_error():
    # exposed 0, 0, 100, 300: mean 100, variance (100² + 100² + 0 + 200²) / 3 = 20,000
    # held out 0, 0, 0, 100: mean 25, variance (3 × 25² + 75²) / 3 = 2,500
    # error √(20,000 / 4 + 2,500 / 4) = 75; 75 ± 1.959964 × 75
    exposed = Arm(people=4, converted=2, revenue=400, revenue_squared=100**2 + 300**2)
    held_out = Arm(people=4, converted=1, revenue=100, revenue_squared=100**2)
    interval = revenue_difference(exposed, held_out)
    assert interval.estimate == pytest.approx(75)
    assert interval.low == pytest.approx(75 - 146.9973, abs=1e-3)
    assert interval.high == pytest.approx(75 + 146.9973, abs=1e-3)


def test_power_to_find_two_points_over_ten_percent_with_a_thousand_a_side():
    # pooled 0.11: null error √(0.11 × 0.89 × 2/1000) = 0.0139929; error √(0.12 × 0.88/1000 +
    # 0.1 × 0.9/1000) = 0.0139857; Φ((0.02 − 1.959964 × 0.0139929) / 0.0139857) = Φ(−0.5310)
    assert power(0.10, 0.02, 1000, 1000) == pytest.approx(0.2977, abs=1e-4)


def test_power_grows_with_the_arms_and_the_effect():
    assert power(0.1, 0.02, 1000, 1000) < power(0.1, 0.02, 10_000, 10_000) < 1
    assert power(0.1, 0.02, 1000, 1000) < power(0.1, 0.05, 1000, 1000)


def test_a_stated_minimum_effect_is_the_one_powered_for():
    exposed, held_out = Arm(1000, 120, 0, 0), Arm(1000, 100, 0, 0)
    observed = measure_lift(exposed, held_out)
    stated = measure_lift(exposed, held_out, minimum_effect=0.05)
    assert observed.detectable == pytest.approx(0.02)
    assert observed.power == pytest.approx(0.2977, abs=1e-4)
    # pooled 0.125: Φ((0.05 − 1.959964 × 0.014790) / 0.014748) = Φ(1.4244)
    assert stated.detectable == 0.05
    assert stated.power == pytest.approx(0.9228, abs=1e-4)


def test_lift_is_refused_for_an_arm_of_fewer_than_two():
    with pytest.raises(InputError, match="the held-out arm has 1"):
        measure_lift(Arm(10, 1, 0, 0), Arm(1, 0, 0, 0))


def test_assignment_is_reproducible_from_its_seed():
    strata = ["retail"] * 40 + ["software"] * 60
    first = assign_holdout(strata, 0.2, seed=11)
    assert (first == assign_holdout(strata, 0.2, seed=11)).all()
    assert not (first == assign_holdout(strata, 0.2, seed=12)).all()


def test_every_stratum_holds_out_its_share():
    strata = ["retail"] * 45 + ["software"] * 130 + ["health"] * 7
    held = assign_holdout(strata, 0.2, seed=5)
    held_by_stratum = Counter(s for s, h in zip(strata, held, strict=True) if h)
    assert held_by_stratum["retail"] == 9
    assert held_by_stratum["software"] == 26
    assert held_by_stratum["health"] in (1, 2)  # 1.4 people: one, or two with chance 0.4


def test_a_share_outside_zero_to_one_is_refused():
    with pytest.raises(InputError, match="between 0 and 1"):
        assign_holdout(["a"], 1.0, seed=1)


def test_calibrated_credit_spreads_the_measured_lift_over_the_journeys_touched():
    credit = calibrated_credit(revenue_difference(*_arms()), touched=10)
    assert credit.estimate == pytest.approx(750)
    assert credit.low == pytest.approx(-719.973, abs=1e-2)


def _arms():
    return Arm(4, 2, 400, 100**2 + 300**2), Arm(4, 1, 100, 100**2)
