"""Counterfactual credit: the conversions each channel's touches caused, on journeys whose
causal truth is known (`accord.attribution.synthetic`)."""

import importlib
import io

import numpy as np
import pytest

from accord.attribution import (
    InputError,
    attribute,
    counterfactual,
    fit_journeys,
    paths_from_touchpoints,
    with_intervals,
)
from accord.attribution.command import run_on_file
from accord.attribution.paths import Paths
from accord.attribution.synthetic import generate, touchpoints

# the module, which the package's `counterfactual` (the function) hides
counterfactual_module = importlib.import_module("accord.attribution.counterfactual")


def shares(credit):
    positive = np.clip(credit, 0, None)
    return positive / positive.sum()


def distance(credit, truth):
    """Total-variation distance between the two splits of credit over channels."""
    return 0.5 * np.abs(shares(credit) - shares(truth)).sum()


@pytest.fixture(scope="module")
def additive():
    return generate("additive", 20_000, seed=7)


def test_credits_and_the_baseline_add_up_to_the_observed_conversions_and_value(additive):
    paths = additive.paths
    result = counterfactual(paths)
    fit = result.details["fit"].row(0, named=True)
    assert result.conversions.sum() + fit["baseline_conversions"] == pytest.approx(
        paths.conversions.sum()
    )
    assert result.value.sum() + fit["baseline_value"] == pytest.approx(paths.value.sum())
    assert 0 < fit["baseline_conversions"] < paths.conversions.sum()
    assert 0.5 < fit["held_out_auc"] <= 1
    assert fit["calibration_error"] < 0.02


def test_a_channel_that_causes_nothing_gets_credit_near_zero_within_its_interval(additive):
    paths = additive.paths
    fitted = fit_journeys(paths)
    result = with_intervals(paths, lambda p: counterfactual(p, fitted), resamples=20, seed=1)
    display = paths.channels.index("display")
    low, high = result.intervals.row(display)[1:3]
    assert low <= 0 <= high
    assert np.argmin(np.abs(result.conversions)) == display


@pytest.mark.parametrize("name", ["additive", "confounded"])
def test_counterfactual_credit_is_far_closer_to_the_truth_than_path_models(name):
    known = generate(name, 20_000, seed=11)
    ours = distance(counterfactual(known.paths).conversions, known.truth)
    for model in ("last_touch", "linear", "markov", "shapley"):
        theirs = distance(attribute(known.paths, model).conversions, known.truth)
        assert ours * 2 < theirs, model


def test_too_few_journeys_are_refused_with_the_counts_found():
    small = generate("additive", 600, seed=3).paths
    with pytest.raises(InputError, match="at least 100 converted and 100 unconverted"):
        counterfactual(small)


def test_a_touchpoints_file_with_segments_gives_credit_and_its_fit(tmp_path):
    known = generate("confounded", 5_000, seed=5)
    frame = touchpoints(known)
    source = tmp_path / "touchpoints.parquet"
    frame.write_parquet(source)
    paths = paths_from_touchpoints(frame)
    assert paths.segment_names == ("enterprise", "smb")
    out, err = io.StringIO(), io.StringIO()
    status = run_on_file(
        [
            "--touchpoints",
            str(source),
            "--model",
            "counterfactual",
            "--out",
            str(tmp_path / "c.csv"),
        ],
        out,
        err,
    )
    assert status == 0, err.getvalue()
    assert "held-out journeys AUC" in err.getvalue()
    assert "conversions expected with no touch at all" in err.getvalue()
    written = (tmp_path / "c.csv").read_text().splitlines()
    assert written[0].startswith("channel_name,model,total_conversions")
    assert len(written) == 1 + len(known.paths.channels)


def test_all_models_leave_out_the_counterfactual_one_when_journeys_are_too_few(tmp_path):
    source = tmp_path / "touchpoints.parquet"
    touchpoints(generate("additive", 300, seed=3)).write_parquet(source)
    out, err = io.StringIO(), io.StringIO()
    assert run_on_file(["--touchpoints", str(source)], out, err) == 0
    assert "left out counterfactual: the counterfactual model needs at least" in err.getvalue()
    assert "linear" in out.getvalue()


def test_shapley_from_random_orders_gives_the_exact_credit_within_a_hair(additive, monkeypatch):
    paths = additive.paths
    fitted = fit_journeys(paths)
    exact = counterfactual(paths, fitted)
    monkeypatch.setattr(counterfactual_module, "EXACT_SHAPLEY_CHANNELS", 2)  # 3+ channels drawn

    drawn = counterfactual(paths, fitted)

    assert drawn.conversions.sum() == pytest.approx(exact.conversions.sum(), rel=1e-9)
    assert drawn.value.sum() == pytest.approx(exact.value.sum(), rel=1e-9)
    assert np.abs(drawn.conversions - exact.conversions).max() < 0.01 * exact.conversions.sum()


def test_a_journey_through_fourteen_channels_is_credited_and_credits_add_up():
    channels = tuple(f"channel_{n}" for n in range(14))
    # every channel together, one channel alone, and the first two: journeys of each that
    # convert and do not, the channel alone converting less than together
    steps = [list(range(14))] + [[c] for c in range(14)] + [[0, 1]]
    converted = [400.0] + [30.0] * 14 + [60.0]
    unconverted = [200.0] + [120.0] * 14 + [90.0]
    lengths = [len(s) for s in steps]
    paths = Paths(
        channels=channels,
        touches=np.concatenate(steps).astype(np.int32),
        offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        conversions=np.array(converted),
        nulls=np.array(unconverted),
        value=np.array(converted) * 1_000.0,
    )

    result = counterfactual(paths)

    fit = result.details["fit"].row(0, named=True)
    assert result.conversions.sum() + fit["baseline_conversions"] == pytest.approx(
        paths.conversions.sum()
    )
    assert result.value.sum() + fit["baseline_value"] == pytest.approx(paths.value.sum())
    assert len(result.conversions) == 14
