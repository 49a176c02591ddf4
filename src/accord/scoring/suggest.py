"""Suggest a lead definition from history: a scorecard fitted on who converted, as a draft document.

The scorecard (accord.scoring.scorecard) is fitted on the fields fit rules can read (industry,
region, seniority, decision maker, employee count) and on each person's touches counted the way
the engine counts them (halving with the base document's half-life, inside its window): per
touchpoint type and per channel, points per touch up to a cap. Its table becomes the draft's fit
rules and engagement points; grades keep the shares of people the base document gives each grade,
and the threshold keeps the number of MQLs it makes, so the SLA's commitments stay meaningful.
Buying power, disqualifiers and SLA terms are the base document's.
"""

import datetime as dt
import math
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from accord.scoring.document import (
    CHANNELS,
    GRADES,
    TOUCHPOINT_KINDS,
    AgreementDocument,
    check_document,
)
from accord.scoring.engine import PEOPLE_SCHEMA, TOUCHPOINT_SCHEMA, score_components
from accord.scoring.scorecard import Scorecard, auc, fit_scorecard

FIT_COLUMNS = ("industry", "region", "seniority", "is_decision_maker", "employee_count")
MIN_SHARE, MAX_BINS = 0.05, 5  # a rule speaks for at least 1 person in 20; a field has ≤ 5 bands
CAP_QUANTILE = 0.9  # a touch type's points stop at what 9 in 10 of the people it touched reach
KIND, CHANNEL = "touches:", "channel:"


def as_seen_before(
    touches: pl.DataFrame, cutoffs: pl.DataFrame, as_of: dt.datetime
) -> pl.DataFrame:
    """Each person's touches before their cutoff, moved in time so the cutoff falls on `as_of`.

    `cutoffs` has person_id and cutoff (e.g. when Sales took the lead over); scoring the result
    as of `as_of` scores everybody as they stood at their own cutoff.
    """
    shift = pl.lit(as_of.astimezone(dt.UTC)) - pl.col("cutoff")
    return (
        touches.join(cutoffs.select("person_id", "cutoff"), on="person_id")
        .filter(pl.col("occurred_at") < pl.col("cutoff"))
        .select(
            "person_id", "kind", "channel", (pl.col("occurred_at") + shift).alias("occurred_at")
        )
        .cast(TOUCHPOINT_SCHEMA)
    )


def touch_features(
    people: pl.DataFrame, touches: pl.DataFrame, base: AgreementDocument, as_of: dt.datetime
) -> pl.DataFrame:
    """Per person: touches per type and per channel, halving as the base document's do."""
    rules = base.engagement
    age_days = (pl.lit(as_of) - pl.col("occurred_at")).dt.total_microseconds() / 86_400e6
    weighted = touches.filter(pl.col("occurred_at") <= as_of).with_columns(
        (0.5 ** (age_days / rules.half_life_days)).alias("weight"), age_days.alias("age")
    )
    if rules.window_days:
        weighted = weighted.filter(pl.col("age") < rules.window_days)
    frames = [people.select("person_id")]
    for column, prefix, known in (("kind", KIND, TOUCHPOINT_KINDS), ("channel", CHANNEL, CHANNELS)):
        present = [v for v in known if v in set(weighted[column].unique().to_list())]
        wide = weighted.group_by("person_id").agg(
            pl.col("weight").filter(pl.col(column) == value).sum().alias(prefix + value)
            for value in present
        )
        frames.append(wide)
    result = frames[0]
    for wide in frames[1:]:
        result = result.join(wide, on="person_id", how="left")
    return result.fill_null(0.0).drop("person_id")


def _caps(features: pl.DataFrame) -> dict[str, float]:
    caps = {}
    for name in features.columns:
        touched = features[name].filter(features[name] > 0)
        if touched.len():
            caps[name] = max(1.0, math.ceil(touched.quantile(CAP_QUANTILE) or 0))
    return caps


def suggest_document(
    people: pl.DataFrame,
    touches: pl.DataFrame,
    outcome: ArrayLike,
    base: AgreementDocument,
    as_of: dt.datetime,
    seed: int = 0,
) -> AgreementDocument:
    """Fit the scorecard on these people and express it as a draft agreement document."""
    engagement = touch_features(people, touches, base, as_of)
    columns = pl.concat([people.select(FIT_COLUMNS), engagement], how="horizontal")
    card = fit_scorecard(
        columns,
        outcome,
        per_unit=_caps(engagement),
        min_share=MIN_SHARE,
        max_bins=MAX_BINS,
        seed=seed,
    )
    data = base.model_dump(mode="json", by_alias=True)
    data["fit_rules"] = _fit_rules(card)
    data["engagement"] = {**data["engagement"], **_engagement(card, touches)}
    draft = check_document({**data, "threshold": {**data["threshold"], "min_total": 0}})
    return _calibrate(draft, base, people, touches, as_of)


def _rule_name(rule: dict[str, Any]) -> str:
    """A short name; the page spells the condition out beside it."""
    field = rule["field"]
    if field == "is_decision_maker":
        return "Decision maker" if rule["equals"] else "Not a decision maker"
    if field == "employee_count":
        low, high = rule.get("min"), rule.get("max")
        if low is None:
            return f"Up to {high} employees"
        return f"{low}+ employees" if high is None else f"{low}–{high} employees"
    name = ", ".join(rule["in"])
    return (f"Seniority: {name}" if field == "seniority" else name)[:100]


def _fit_rules(card: Scorecard) -> list[dict[str, Any]]:
    """A rule per bin worth points; "other" and missing values earn none (they fall in no rule)."""
    rules: list[dict[str, Any]] = []
    for i, b in enumerate(card.bins):
        if b.column not in FIT_COLUMNS or b.points == 0 or b.other or b.missing:
            continue
        rule: dict[str, Any] = {"field": b.column, "points": b.points}
        if b.values is not None and b.column == "is_decision_maker":
            rule["equals"] = bool(b.values[0])
        elif b.values is not None:
            rule["in"] = [str(v) for v in b.values]
        elif b.low is None and b.high is None:
            continue
        else:
            if b.low is not None:
                rule["min"] = max(0, math.ceil(b.low))
            if b.high is not None:  # up to the next band, so a value never seen has a rule too
                following = card.bins[i + 1]
                rule["max"] = max(0, math.ceil(following.low or 0) - 1)
        name = _rule_name(rule)
        if any(other["name"] == name for other in rules):
            name = f"{name} ({b.column.replace('_', ' ')})"[:100]
        rules.append({"name": name, **rule})
    return rules


def _engagement(card: Scorecard, touches: pl.DataFrame) -> dict[str, Any]:
    """Points per touch type and channel; a type's cap leaves room for its channels' points."""
    kinds = {u.column.removeprefix(KIND): u for u in card.per_unit if u.column.startswith(KIND)}
    channels = {
        u.column.removeprefix(CHANNEL): u for u in card.per_unit if u.column.startswith(CHANNEL)
    }
    pairs = touches.select("kind", "channel").unique().rows()
    spec = {}
    for kind in TOUCHPOINT_KINDS:
        unit = kinds.get(kind)
        room = max(
            (channels[c].points * channels[c].cap for k, c in pairs if k == kind and c in channels),
            default=0,
        )
        own = unit.points * unit.cap if unit else 0
        if own + room > 0:
            spec[kind] = {"points": unit.points if unit else 0, "cap": round(own + room)}
    return {
        "kinds": spec,
        "channels": {name: unit.points for name, unit in channels.items()},
    }


def _calibrate(
    draft: AgreementDocument,
    base: AgreementDocument,
    people: pl.DataFrame,
    touches: pl.DataFrame,
    as_of: dt.datetime,
) -> AgreementDocument:
    """Grade bands with the base's shares of people per grade; a threshold with its MQL count."""
    before = score_components(people, touches, base, as_of)
    fit = np.sort(score_components(people, touches, draft, as_of)["fit"].to_numpy())[::-1]
    shares = before["fit_grade"].value_counts().rows()
    counts = dict(shares)
    bands, taken, lowest = [], 0, None
    for grade in GRADES[:-1]:
        taken += counts.get(grade, 0)
        if taken == 0 or taken >= len(fit):
            continue
        edge = int(fit[taken - 1])
        if lowest is not None and edge >= lowest:
            continue
        bands.append({"grade": grade, "min": edge, "max": None if lowest is None else lowest - 1})
        lowest = edge
    bands.append({"grade": GRADES[-1], "max": None if lowest is None else lowest - 1})
    if lowest is None:
        bands[-1] = {"grade": GRADES[0]}
    data = draft.model_dump(mode="json", by_alias=True)
    graded = check_document({**data, "grades": bands})
    after = score_components(people, touches, graded, as_of)
    eligible = after.filter(
        pl.col("buying_power_met")
        & pl.col("disqualified_reason").is_null()
        & (pl.col("fit_grade") <= graded.threshold.min_grade)
    )
    wanted = int(before["is_mql"].sum())
    totals = np.sort(eligible["total"].to_numpy())[::-1]
    if wanted and len(totals):
        min_total = int(totals[min(wanted, len(totals)) - 1])
    else:
        min_total = int(totals[0]) + 1 if len(totals) else 0
    return check_document(
        {**data, "grades": bands, "threshold": {**data["threshold"], "min_total": min_total}}
    )


def ranking_auc(
    doc: AgreementDocument,
    people: pl.DataFrame,
    touches: pl.DataFrame,
    outcome: ArrayLike,
    as_of: dt.datetime,
) -> float:
    """How well the document's total score ranks converters above the rest (AUC)."""
    scores = score_components(people.select(list(PEOPLE_SCHEMA)), touches, doc, as_of)
    order = people.select("person_id").join(
        scores, on="person_id", how="left", maintain_order="left"
    )
    return auc(order["total"].fill_null(0).to_numpy(), outcome)
