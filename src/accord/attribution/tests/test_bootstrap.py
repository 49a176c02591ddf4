"""Bootstrap intervals bracket the credited figures and narrow with more journeys."""

import pytest

from accord.attribution import InputError, linear, markov, with_intervals

from .conftest import aggregated


def test_intervals_bracket_the_estimate_and_are_reproducible(journeys):
    result = with_intervals(journeys, linear, resamples=200, seed=3)
    frame = result.to_frame()
    assert (frame["conversions_low"] <= frame["total_conversions"] + 1e-9).all()
    assert (frame["conversions_high"] >= frame["total_conversions"] - 1e-9).all()
    assert frame.equals(with_intervals(journeys, linear, resamples=200, seed=3).to_frame())


def test_more_journeys_give_narrower_intervals():
    rows = [("a > b", 3, 30, 7), ("b", 1, 10, 9), ("a", 2, 20, 8)]
    small = with_intervals(aggregated(rows), markov, resamples=100).intervals
    large = with_intervals(
        aggregated([(p, c * 100, v * 100, n * 100) for p, c, v, n in rows]),
        markov,
        resamples=100,
    ).intervals
    width = (small["conversions_high"] - small["conversions_low"]) / 1
    wide_large = (large["conversions_high"] - large["conversions_low"]) / 100
    assert (wide_large < width).all()


def test_a_bootstrap_needs_resamples(journeys):
    with pytest.raises(InputError, match="at least 2"):
        with_intervals(journeys, linear, resamples=1)
