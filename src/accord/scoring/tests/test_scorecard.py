"""The scorecard: a table of whole points fitted on who converted, and the AUC that judges it."""

import numpy as np
import polars as pl
import pytest

from accord.scoring.scorecard import auc, fit_scorecard, holdout_split


def _history(n=3000, seed=1):
    """Software converts more, big companies less, each webinar helps; region is noise."""
    rng = np.random.default_rng(seed)
    industry = rng.choice(["Software", "Retail", "Energy"], n, p=[0.4, 0.4, 0.2])
    employees = rng.integers(5, 5000, n)
    webinars = rng.poisson(1.0, n)
    region = rng.choice(["EMEA", "APAC"], n)
    odds = -2.5 + 1.2 * (industry == "Software") - 0.8 * (employees > 1000) + 0.6 * webinars
    converted = rng.random(n) < 1 / (1 + np.exp(-odds))
    frame = pl.DataFrame(
        {"industry": industry, "employees": employees, "webinars": webinars, "region": region}
    )
    return frame, converted


def _points(card, column, label):
    return next(b.points for b in card.bins if b.column == column and b.label == label)


def test_auc_is_the_chance_a_converter_outranks_a_non_converter():
    assert auc([3, 2, 1, 0], [True, True, False, False]) == 1.0
    assert auc([0, 1, 2, 3], [True, True, False, False]) == 0.0
    assert auc([1, 1, 1, 1], [True, False, True, False]) == 0.5
    assert auc([4, 1, 3, 2], [True, True, False, False]) == 0.5
    with pytest.raises(ValueError):
        auc([1, 2], [True, True])


def test_the_hold_out_keeps_a_quarter_of_each_kind():
    outcome = np.array([True] * 40 + [False] * 360)

    held = holdout_split(outcome, 0.25, seed=0)

    assert held[outcome].sum() == 10
    assert held[~outcome].sum() == 90
    assert (held == holdout_split(outcome, 0.25, seed=0)).all()


def test_the_table_finds_what_makes_people_convert():
    frame, converted = _history()

    card = fit_scorecard(frame, converted, per_unit={"webinars": 3})

    assert _points(card, "industry", "Software") > _points(card, "industry", "Retail")
    small = next(b for b in card.bins if b.column == "employees" and b.low is None)
    big = next(b for b in card.bins if b.column == "employees" and b.high is None)
    assert small.points > big.points
    (webinars,) = card.per_unit
    assert webinars.points > 0 and webinars.cap == 3
    assert all(abs(b.points) <= 5 for b in card.bins if b.column == "region")


def test_a_score_is_the_sum_of_its_rows_and_ranks_new_people_well():
    frame, converted = _history(seed=1)
    card = fit_scorecard(frame, converted, per_unit={"webinars": 3})
    fresh, fresh_converted = _history(n=2000, seed=2)

    scores = card.score(fresh)

    row = fresh.row(0, named=True)
    by_hand = sum(
        b.points
        for b in card.bins
        if b.values == (row["industry"],) or b.values == (row["region"],)
    )
    by_hand += next(
        b.points
        for b in card.bins
        if b.column == "employees"
        and (b.low is None or row["employees"] >= b.low)
        and (b.high is None or row["employees"] <= b.high)
        and not b.missing
    )
    by_hand += round(card.per_unit[0].points * min(row["webinars"], 3))
    assert scores[0] == by_hand
    assert auc(scores, fresh_converted) > 0.7
    assert all(isinstance(points, int) for _, _, points in card.rows())


def test_rare_values_are_pooled_and_unseen_ones_score_as_other():
    frame, converted = _history()
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) < 3)
        .then(pl.lit("Mining"))
        .otherwise("industry")
        .alias("industry")
    )

    card = fit_scorecard(frame, converted)

    labels = {b.label for b in card.bins if b.column == "industry"}
    assert "Mining" not in labels and "other" in labels
    unseen = frame.head(1).with_columns(pl.lit("Fishing").alias("industry"))
    other = _points(card, "industry", "other")
    assert (
        card.score(unseen)[0]
        - card.score(frame.head(1).with_columns(pl.lit("Mining").alias("industry")))[0]
        == 0
    )
    assert isinstance(other, int)
