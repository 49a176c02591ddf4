"""Exact Markov removal effects, checked by hand and against an independent exact library."""

import sys

import numpy as np
import polars as pl
import pytest

from accord.attribution import InputError, markov

from .conftest import aggregated


def effects(result):
    frame = result.details["removal_effects"]
    return dict(zip(frame["channel_name"], frame["removal_effects_conversion"], strict=True))


def test_removal_effects_of_a_small_chain_computed_by_hand():
    # (start)→a 2/3, →b 1/3; a→conv 1/2, a→b 1/2; b→conv 1/4, b→null 3/4.
    # P(conv) = 2/3·(1/2 + 1/2·1/4) + 1/3·1/4 = 1/2.
    # Without a: 1/3·1/4 = 1/12, effect 5/6. Without b: 2/3·1/2 = 1/3, effect 1/3.
    paths = aggregated([("a", 2, 20, 0), ("a > b", 1, 30, 1), ("b", 0, 0, 2)])
    result = markov(paths)
    assert effects(result) == pytest.approx({"a": 5 / 6, "b": 1 / 3}, abs=1e-12)
    assert result.conversions == pytest.approx([15 / 7, 6 / 7])
    matrix = result.details["transition_matrix"]
    row = matrix.filter(pl.col("channel_from") == "b")
    assert dict(zip(row["channel_to"], row["transition_probability"], strict=True)) == (
        pytest.approx({"(conversion)": 1 / 4, "(null)": 3 / 4})
    )


def test_higher_orders_tell_apart_what_came_before():
    # Order 1 cannot see that b converts only after a; order 2 can, so b alone matters less.
    paths = aggregated([("a > b", 5, 50, 0), ("c > b", 0, 0, 5), ("a", 0, 0, 5)])
    first, second = effects(markov(paths, 1)), effects(markov(paths, 2))
    assert second["c"] == 0
    assert first["c"] > 0
    assert (
        markov(paths, 2).details["transition_matrix"]["channel_from"].to_list().count("a > b") == 1
    )


def test_order_outside_one_to_four_is_refused(journeys):
    with pytest.raises(InputError, match="order must be 1 to 4"):
        markov(journeys, 5)


def test_order_one_matches_marketing_attribution_models_to_1e9():
    mam = pytest.importorskip("mam", reason="needs the test extra")
    rng = np.random.default_rng(7)
    channels = ["direct", "email", "paid_search", "events", "referral", "display"]
    rows = {}
    for _ in range(300):
        steps = rng.choice(channels, size=rng.integers(1, 7))
        rows[" > ".join(steps)] = (int(rng.integers(0, 5)), int(rng.integers(0, 9)))
    rows = {p: (c, n) for p, (c, n) in rows.items() if c + n}
    ours = effects(markov(aggregated([(p, c, c * 10.0, n) for p, (c, n) in rows.items()])))

    journeys = [(p, True, c) for p, (c, _) in rows.items() if c] + [
        (p, False, n) for p, (_, n) in rows.items() if n
    ]
    frame = pl.DataFrame(journeys, schema=["path", "converted", "count"], orient="row")
    model = mam.MAM(
        frame,
        format_type="grouped_journey",
        channels_colname="path",
        journey_with_conv_colname="converted",
        occurrences_colname="count",
    )
    theirs = model.run_markov(transition_to_same_state=True).metadata["removal_effect"]
    expected = theirs["removal_effect"].to_dict()
    assert set(ours) == set(expected)
    for channel, effect in expected.items():
        assert abs(ours[channel] - effect) < 1e-9, channel


def test_large_chains_iterate_to_the_same_answer_as_the_direct_solve(monkeypatch):
    solver = sys.modules["accord.attribution.markov"]
    rng = np.random.default_rng(11)
    channels = [f"c{i}" for i in range(10)]
    rows = {}
    for _ in range(3000):
        rows[" > ".join(rng.choice(channels, size=rng.integers(1, 9)))] = (
            int(rng.integers(0, 3)),
            int(rng.integers(1, 6)),
        )
    paths = aggregated([(p, c, 100.0 * c, n) for p, (c, n) in rows.items()])
    iterated = markov(paths, 3)
    assert iterated.details["transition_matrix"]["channel_from"].n_unique() > solver.DIRECT_LIMIT
    monkeypatch.setattr(solver, "DIRECT_LIMIT", 10**9)
    direct = markov(paths, 3)
    assert np.allclose(iterated.conversions, direct.conversions, rtol=1e-12, atol=0)
    assert np.allclose(iterated.value, direct.value, rtol=1e-12, atol=0)
