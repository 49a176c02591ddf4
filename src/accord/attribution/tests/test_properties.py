"""Invariants every model keeps on any journeys: credits add up and are never negative."""

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.attribution import (
    NEEDS_MARKERS,
    PATH_MODELS,
    attribute,
    paths_from_aggregated,
    paths_from_touchpoints,
)

CHANNELS = ["direct", "email", "paid_search", "events", "referral"]

path = st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=7).map(" > ".join)
row = st.tuples(
    path,
    st.integers(0, 20),
    st.floats(0, 1e6, allow_nan=False),
    st.integers(0, 20),
)


def check(result, conversions, value):
    assert np.all(result.conversions >= 0)
    assert np.all(result.value >= 0)
    assert np.isclose(result.conversions.sum(), conversions, rtol=1e-9, atol=1e-9)
    assert np.isclose(result.value.sum(), value, rtol=1e-9, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=12), order=st.integers(1, 4))
def test_every_model_credits_exactly_the_converted_journeys(rows, order):
    paths = paths_from_aggregated(
        pl.DataFrame(
            {
                "path": [r[0] for r in rows],
                "total_conversions": [float(r[1]) for r in rows],
                "total_conversion_value": [r[2] if r[1] else 0.0 for r in rows],
                "total_null": [float(r[3]) for r in rows],
            }
        )
    )
    for model in set(PATH_MODELS) - NEEDS_MARKERS:
        result = attribute(paths, model, order=order)
        check(result, paths.conversions.sum(), paths.value.sum())


journey = st.tuples(
    st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=6),
    st.booleans(),
    st.floats(0, 1e5, allow_nan=False),
    st.integers(0, 8),
    st.integers(0, 8),
    st.integers(0, 8),
)


@settings(max_examples=60, deadline=None)
@given(journeys=st.lists(journey, min_size=1, max_size=10))
def test_stage_models_credit_exactly_the_converted_journeys(journeys):
    rows = []
    for journey_id, (steps, converted, value, lead, opp, won) in enumerate(journeys):
        for day, channel in enumerate(steps):
            rows.append((journey_id, day, channel, converted, value, lead, opp, won))
    frame = pl.DataFrame(
        rows,
        schema=[
            "journey_id", "occurred_at", "channel", "converted", "value",
            "lead_at", "opportunity_at", "won_at",
        ],
        orient="row",
    )  # fmt: skip
    paths = paths_from_touchpoints(frame, with_ages=True)
    converted = sum(1 for j in journeys if j[1])
    value = sum(j[2] for j in journeys if j[1])
    for model in PATH_MODELS:
        check(attribute(paths, model), converted, value)
