"""Reading journeys: raw touchpoints and aggregated paths become the same unique paths."""

from datetime import datetime

import numpy as np
import polars as pl
import pytest

from accord.attribution import InputError, paths_from_aggregated, paths_from_touchpoints


def decoded(paths):
    """{path: (conversions, nulls, value)}, rows of the same path added up."""
    names = np.array(paths.channels)
    rows = {}
    for a, b, c, n, v in zip(
        paths.offsets[:-1], paths.offsets[1:], paths.conversions, paths.nulls, paths.value,
        strict=True,
    ):  # fmt: skip
        key = " > ".join(names[paths.touches[a:b]])
        rows[key] = tuple(x + y for x, y in zip(rows.get(key, (0, 0, 0)), (c, n, v), strict=True))
    return rows


def test_touchpoints_are_ordered_in_time_and_equal_paths_are_counted_once():
    frame = pl.DataFrame(
        {
            "journey_id": ["p1", "p1", "p2", "p2", "p3", "p2"],
            "occurred_at": [datetime(2026, 1, d) for d in (2, 1, 1, 2, 5, 9)],
            "channel": ["email", "ads", "ads", "email", "email", "direct"],
            "converted": [1, 1, 0, 0, 1, 0],
            "value": [100.0, 100.0, 0, 0, 5.0, 0],
        }
    )
    assert decoded(paths_from_touchpoints(frame)) == {
        "ads > email": (1, 0, 100),
        "ads > email > direct": (0, 1, 0),
        "email": (1, 0, 5),
    }


def test_aggregated_paths_add_up_repeated_rows_and_ignore_spacing():
    frame = pl.DataFrame(
        {
            "path": ["a > b", "a>b", "c"],
            "total_conversions": [1, 2, 0],
            "total_conversion_value": [10.0, 5.0, 0],
            "total_null": [0, 1, 3],
        }
    )
    assert decoded(paths_from_aggregated(frame)) == {"a > b": (3, 1, 15), "c": (0, 3, 0)}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"path": ["a > b", ""]}, "empty path"),
        ({"path": ["a > > b", "c"]}, "empty step"),
        ({"total_null": [1, -1]}, "'total_null' has negative values"),
        ({"total_conversions": ["one", "2"]}, "must be numbers"),
    ],
)
def test_bad_aggregated_input_names_the_problem(change, message):
    frame = pl.DataFrame(
        {"path": ["a", "b"], "total_conversions": [1, 2], "total_conversion_value": [1.0, 2.0]}
    ).with_columns(total_null=pl.Series([0, 0]))
    frame = frame.with_columns(pl.Series(name, values) for name, values in change.items())
    with pytest.raises(InputError, match=message):
        paths_from_aggregated(frame)


def test_missing_columns_are_named():
    with pytest.raises(InputError, match="'total_conversions'"):
        paths_from_aggregated(pl.DataFrame({"path": ["a"], "conversions": [1]}))
    with pytest.raises(InputError, match="'occurred_at'"):
        paths_from_touchpoints(pl.DataFrame({"journey_id": [1], "channel": ["a"]}))
