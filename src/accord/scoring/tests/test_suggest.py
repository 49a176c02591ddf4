"""Touches as they stood when Sales took a lead over, and the draft a suggestion becomes."""

import datetime as dt

import polars as pl

from accord.scoring.engine import TOUCHPOINT_SCHEMA
from accord.scoring.suggest import as_seen_before

AS_OF = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def _at(day):
    return dt.datetime(2026, 3, day, tzinfo=dt.UTC)


def test_touches_after_the_handoff_are_dropped_and_the_rest_keep_their_age():
    touches = pl.DataFrame(
        {
            "person_id": [1, 1, 2],
            "kind": ["form_fill", "meeting", "page_view"],
            "channel": ["direct", "sales_outreach", "direct"],
            "occurred_at": [_at(1), _at(20), _at(5)],
        },
        schema=TOUCHPOINT_SCHEMA,
    )
    cutoffs = pl.DataFrame(
        {"person_id": [1, 2], "cutoff": [_at(10), AS_OF]},
        schema={"person_id": pl.Int64, "cutoff": pl.Datetime("us", "UTC")},
    )

    seen = as_seen_before(touches, cutoffs, AS_OF).sort("person_id")

    assert seen["kind"].to_list() == ["form_fill", "page_view"]
    ages = (AS_OF - seen["occurred_at"]).to_list()
    assert ages == [dt.timedelta(days=9), AS_OF - _at(5)]
