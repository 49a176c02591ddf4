"""Golden credits computed by hand for every rule-based model."""

from datetime import datetime

import polars as pl
import pytest

from accord.attribution import (
    InputError,
    first_touch,
    full_path,
    last_non_direct,
    last_touch,
    linear,
    paths_from_touchpoints,
    position_based,
    time_decay,
    w_shaped,
)

from .conftest import aggregated, credited


def test_first_touch_credits_the_journey_opener(journeys):
    assert credited(first_touch(journeys)) == {
        "direct": (1, 50),
        "email": (2, 300),
        "events": (1, 1000),
        "paid_search": (0, 0),
        "webinar": (0, 0),
    }


def test_last_touch_credits_the_closer(journeys):
    assert credited(last_touch(journeys)) == {
        "direct": (3, 350),
        "email": (0, 0),
        "events": (0, 0),
        "paid_search": (0, 0),
        "webinar": (1, 1000),
    }


def test_last_non_direct_skips_direct_unless_the_journey_is_all_direct(journeys):
    assert credited(last_non_direct(journeys)) == {
        "direct": (1, 50),
        "email": (0, 0),
        "events": (0, 0),
        "paid_search": (2, 300),
        "webinar": (1, 1000),
    }


def test_linear_splits_equally_over_touches_repeats_included(journeys):
    result = credited(linear(journeys))
    assert result["email"] == (round(2 / 3 + 2 / 4, 9), round(100 + 500, 9))
    assert result["paid_search"] == (round(2 / 3, 9), 100)
    assert result["direct"] == (round(1 + 2 / 3, 9), 150)
    assert result["events"] == (0.25, 250)
    assert result["webinar"] == (0.25, 250)


def test_position_based_is_40_20_40():
    paths = aggregated([("a > b > c > d", 1, 100, 0), ("a > b", 1, 10, 0), ("c", 1, 1, 0)])
    assert credited(position_based(paths)) == {
        "a": (0.4 + 0.5, 45),
        "b": (0.1 + 0.5, 15),
        "c": (1.1, 11),
        "d": (0.4, 40),
    }


def test_time_decay_halves_per_half_life_of_steps_without_times():
    paths = aggregated([("a > b > c", 1, 70, 0)])
    # weights 1/4, 1/2, 1 for a half-life of one step: 1/7, 2/7, 4/7.
    assert credited(time_decay(paths, half_life=1)) == {
        "a": (round(1 / 7, 9), 10),
        "b": (round(2 / 7, 9), 20),
        "c": (round(4 / 7, 9), 40),
    }


def touches(rows, **journey):
    """A touchpoints frame for one journey from (day, channel) rows."""
    frame = pl.DataFrame(
        {
            "journey_id": [1] * len(rows),
            "occurred_at": [datetime(2026, 1, day) for day, _ in rows],
            "channel": [channel for _, channel in rows],
            "converted": [True] * len(rows),
            "value": [1000.0] * len(rows),
        }
    )
    return frame.with_columns(
        pl.lit(datetime(2026, 1, day)).alias(column) for column, day in journey.items()
    )


def test_time_decay_uses_days_when_touches_carry_times():
    frame = touches([(1, "a"), (8, "b"), (15, "c")])
    result = time_decay(paths_from_touchpoints(frame, with_ages=True), half_life=7)
    assert credited(result) == {
        "a": (round(1 / 7, 9), round(1000 / 7, 9)),
        "b": (round(2 / 7, 9), round(2000 / 7, 9)),
        "c": (round(4 / 7, 9), round(4000 / 7, 9)),
    }


def test_w_shaped_gives_30_30_30_and_10_over_the_rest():
    frame = touches(
        [(1, "ad"), (2, "blog"), (3, "webinar"), (5, "email"), (6, "demo")],
        lead_at=3,
        opportunity_at=6,
    )
    assert credited(w_shaped(paths_from_touchpoints(frame))) == {
        "ad": (0.3, 300),
        "blog": (0.05, 50),
        "demo": (0.3, 300),
        "email": (0.05, 50),
        "webinar": (0.3, 300),
    }


def test_w_shaped_adds_up_coinciding_positions_and_rescales_short_paths():
    # The first touch created the lead; nothing is left for the 10%: 0.6 and 0.3 of 0.9.
    frame = touches([(1, "ad"), (2, "demo")], lead_at=1, opportunity_at=2)
    assert credited(w_shaped(paths_from_touchpoints(frame))) == {
        "ad": (round(2 / 3, 9), round(2000 / 3, 9)),
        "demo": (round(1 / 3, 9), round(1000 / 3, 9)),
    }


def test_full_path_adds_closed_won():
    frame = touches(
        [(1, "ad"), (2, "blog"), (3, "webinar"), (5, "email"), (6, "demo"), (9, "call")],
        lead_at=3,
        opportunity_at=6,
        won_at=10,
    )
    assert credited(full_path(paths_from_touchpoints(frame))) == {
        "ad": (0.225, 225),
        "blog": (0.05, 50),
        "call": (0.225, 225),
        "demo": (0.225, 225),
        "email": (0.05, 50),
        "webinar": (0.225, 225),
    }


def test_stage_not_reached_rescales_the_rest():
    # No opportunity yet: first 0.3, lead 0.3, the other two 0.05 each, of a total 0.7.
    frame = touches([(1, "ad"), (2, "blog"), (3, "webinar"), (5, "email")], lead_at=3)
    assert credited(w_shaped(paths_from_touchpoints(frame))) == {
        "ad": (round(3 / 7, 9), round(3000 / 7, 9)),
        "blog": (round(0.5 / 7, 9), round(500 / 7, 9)),
        "email": (round(0.5 / 7, 9), round(500 / 7, 9)),
        "webinar": (round(3 / 7, 9), round(3000 / 7, 9)),
    }


def test_w_shaped_without_stage_markers_says_what_it_needs(journeys):
    with pytest.raises(InputError, match="lead and opportunity"):
        w_shaped(journeys)
