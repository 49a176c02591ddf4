"""The demo company as generated columns: the same seed makes the same company."""

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from accord.demo.generator import generate_company
from accord.demo.personas import REP_TERRITORIES

REPS = {region: 100 + i for i, region in enumerate(REP_TERRITORIES.values())}
TODAY = dt.date(2026, 3, 15)


def _company(seed):
    return generate_company(seed, "tiny", TODAY, REPS, marketing_team_id=1)


def test_the_same_seed_makes_the_same_company():
    first, second = _company(7), _company(7)
    assert first.keys() == second.keys()
    for label in first:
        assert_frame_equal(first[label], second[label])


def test_another_seed_makes_another_company():
    first, other = _company(7), _company(8)
    assert first["crm.person"]["email"].to_list() != other["crm.person"]["email"].to_list()


def test_campaigns_cover_eighteen_months_up_to_today_with_costs():
    campaigns = _company(1)["touchpoints.campaign"]
    assert campaigns["start_date"].min() <= TODAY - dt.timedelta(days=540)
    assert campaigns["end_date"].max() >= TODAY
    assert (campaigns["cost"].cast(pl.Float64) > 0).all()
    assert campaigns.filter(pl.col("status") == "active")["start_date"].max() <= TODAY
    assert campaigns["name"].n_unique() == len(campaigns)


def test_nothing_happens_after_today():
    company = _company(3)
    now = dt.datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=dt.UTC)
    assert company["touchpoints.touchpoint"]["occurred_at"].max() <= now
    assert company["crm.lifecyclechange"]["changed_at"].max() <= now
    closed = company["crm.opportunity"].filter(pl.col("stage").str.starts_with("closed"))
    assert closed["close_date"].max() <= TODAY
