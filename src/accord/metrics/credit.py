"""Credit in the shared metrics: revenue attributed to channels and campaigns by several models
side by side, and campaign ROI, read from the journeys worked out ahead
(`accord.metrics.journeys`) and cached per filter set."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import polars as pl
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from pydantic import BaseModel, Field, model_validator

from accord.attribution import (
    PATH_MODELS,
    AttributionModel,
    InputError,
    attribute,
    counterfactual,
    fit_journeys,
    paths_from_touchpoints,
    with_intervals,
)
from accord.attribution.command import JourneyKind
from accord.crm.conversion import reporting_currency, with_reported_value
from accord.journeys import rollups
from accord.metrics.journeys import Journeys, at_hand, data_stamp, earlier_stamp, won_journeys
from accord.metrics.queries import LeftOut, MetricsQuery, left_out_of, won_deals
from accord.money import to_cents
from accord.periods import day_after, day_start
from accord.touchpoints.models import Campaign, Touchpoint

CREDIT_CACHE_SECONDS = 24 * 3600
COMPARED_MODELS = (
    AttributionModel.FIRST_TOUCH,
    AttributionModel.LAST_TOUCH,
    AttributionModel.LINEAR,
    AttributionModel.MARKOV,
    AttributionModel.SHAPLEY,
)
#: Resamples behind the counterfactual credit's 95% intervals on the dashboard.
COUNTERFACTUAL_RESAMPLES = 30


class AttributionQuery(MetricsQuery):
    """Whose touches make a journey: a person's, or (B2B) those of all people of an account,
    converting when the account's first deal is won."""

    journey: JourneyKind = JourneyKind.PERSON
    earlier_ok: bool = Field(
        default=False,
        description="When the data changed since attribution was last worked out, answer from "
        "the journeys worked out then instead of reading every touch again; the result says "
        "when they were worked out.",
    )


class WorkedOut(BaseModel):
    """When the credit was worked out, and whether the data changed since (`earlier_ok`).
    Revenue is in `currency`; won deals with no rate to it are left out of the credit."""

    worked_out_at: dt.datetime | None = None
    data_changed_since: bool = False
    currency: str = ""
    left_out: LeftOut = Field(default_factory=LeftOut)


def _in_reporting_currency(query: AttributionQuery) -> dict:
    return {"currency": reporting_currency(), "left_out": left_out_of(won_deals(query))}


class CampaignRoiQuery(AttributionQuery):
    """Won revenue attributed to campaigns by `model`, over each campaign's cost. Journeys are
    those of people (or accounts) in the segment whose deal was won in the period, and those
    not won yet."""

    model: str = AttributionModel.LINEAR

    @model_validator(mode="after")
    def _known_model(self):
        if self.model not in PATH_MODELS:
            raise ValueError(f"unknown model {self.model!r}; choose from {', '.join(PATH_MODELS)}")
        return self


class CampaignRoi(BaseModel):
    """`cost` is None when no rate converts it to the reporting currency (so is `roi`)."""

    campaign: str
    cost: Decimal | None
    attributed_revenue: Decimal
    roi: float | None


def _journeys(query: AttributionQuery, by: str, touches: pl.DataFrame) -> pl.DataFrame:
    """The journeys that count for the query's segment and period: won in the period, or not
    won yet; labelled by `by` in the `channel` column."""
    if query.region or query.industry:
        if query.journey == JourneyKind.ACCOUNT:
            members = query.people().exclude(account=None).values_list("account_id", flat=True)
        else:
            members = query.people().values_list("id", flat=True)
        touches = touches.filter(pl.col("journey_id").is_in(list(set(members))))
    start, after = day_start(query.start), day_after(query.end)
    in_period = (pl.col("won_at") >= start) & (pl.col("won_at") < after)
    other = "campaign" if by == "channel" else "channel"
    touches = touches.drop(other).rename({by: "channel"} if by != "channel" else {})
    return touches.filter(~pl.col("converted") | in_period)


class CounterfactualCredit(BaseModel):
    """Revenue each channel's touches caused (`accord.attribution.counterfactual`), with 95%
    bootstrap intervals and how well its model fits; or why it was not worked out."""

    revenue: dict[str, float] = Field(default_factory=dict)
    low: dict[str, float] = Field(default_factory=dict)
    high: dict[str, float] = Field(default_factory=dict)
    learner: str = ""
    held_out_auc: float | None = None
    calibration_error: float | None = None
    baseline_revenue: float | None = None
    refused: str = ""
    journeys: dict[str, int] = Field(
        default_factory=dict, description="The journeys each channel touched"
    )


def _counterfactual(touches: pl.DataFrame) -> CounterfactualCredit:
    try:
        paths = paths_from_touchpoints(touches, with_ages=True)
        fitted = fit_journeys(paths)
        result = with_intervals(
            paths, lambda p: counterfactual(p, fitted), resamples=COUNTERFACTUAL_RESAMPLES
        )
    except InputError as exc:
        return CounterfactualCredit(refused=str(exc))
    fit = result.details["fit"].row(0, named=True)
    assert result.intervals is not None
    names = list(result.channels)
    return CounterfactualCredit(
        revenue=dict(zip(names, result.value.tolist(), strict=True)),
        low=dict(zip(names, result.intervals["value_low"].to_list(), strict=True)),
        high=dict(zip(names, result.intervals["value_high"].to_list(), strict=True)),
        learner=fit["learner"],
        held_out_auc=fit["held_out_auc"],
        calibration_error=fit["calibration_error"],
        baseline_revenue=fit["baseline_value"],
        journeys=dict(touches.group_by("channel").agg(pl.col("journey_id").n_unique()).iter_rows()),
    )


def _credit(touches: pl.DataFrame, models: list[str]) -> dict:
    """Each model's credit; journeys are grouped into paths once (twice with time decay, whose
    paths keep each touch's age)."""
    if not len(touches) or not touches["converted"].any():
        empty = CounterfactualCredit(refused="there are no won deals")
        return {
            model: empty if model == AttributionModel.COUNTERFACTUAL else {} for model in models
        }
    paths = paths_from_touchpoints(touches)
    credits: dict = {}
    for model in models:
        if model == AttributionModel.COUNTERFACTUAL:
            credits[model] = _counterfactual(touches)
            continue
        if model == AttributionModel.TIME_DECAY:
            credit = attribute(paths_from_touchpoints(touches, with_ages=True), model)
        else:
            credit = attribute(paths, model)
        credits[model] = dict(zip(credit.channels, credit.value.tolist(), strict=True))
    return credits


@dataclass(frozen=True)
class _Credits:
    by_model: dict  # a path model's {name: revenue}; "counterfactual": CounterfactualCredit
    worked_out_at: dt.datetime | None = None
    data_changed_since: bool = False


#: What the cache keeps per model: when its journeys were worked out, and the model's credit.
Cached = tuple[dt.datetime, Any]


class CreditCache:
    """Each model's credit for one query's filters, kept in the shared cache under the state of
    the data (a stamp of `accord.metrics.journeys`) its journeys were worked out from."""

    def __init__(self, query: AttributionQuery, by: str, models: list[str]):
        self.query, self.by = query, by
        self.models = list(dict.fromkeys(models))

    def _keys(self, stamp: str) -> dict[str, str]:
        filters = self.query.model_dump_json(
            include={"start", "end", "region", "industry", "journey"}
        )
        key = hashlib.sha256((stamp + filters).encode()).hexdigest()
        return {model: f"metrics:credit:v3:{self.by}:{model}:{key}" for model in self.models}

    def lookup(self, stamp: str) -> dict[str, Cached]:
        """The models whose credit is cached for the data as it was at `stamp`."""
        keys = self._keys(stamp)
        found = cache.get_many(list(keys.values()))
        return {model: found[key] for model, key in keys.items() if key in found}

    def earlier(self, stamp: str) -> dict[str, Cached] | None:
        """Every model's credit as worked out before the data last changed, when the journeys
        of `stamp` are not worked out yet; None unless all are cached. Looked up without
        decoding the journeys, as a panel waiting for new credit asks at every poll."""
        earlier = earlier_stamp(self.query.journey, stamp)
        if earlier is None:
            return None
        found = self.lookup(earlier)
        return found if len(found) == len(self.models) else None

    def compute(self, journeys: Journeys, models: list[str]) -> dict[str, Cached]:
        """`models`' credit worked out from `journeys`, and cached under their stamp."""
        if not models:
            return {}
        credits = _credit(_journeys(self.query, self.by, journeys.frame), models)
        computed = {model: (journeys.worked_out_at, credits[model]) for model in models}
        keys = self._keys(journeys.stamp)
        cache.set_many(
            {keys[model]: entry for model, entry in computed.items()},
            timeout=CREDIT_CACHE_SECONDS,
        )
        return computed


def _credits(query: AttributionQuery, by: str, models: list[str]) -> _Credits:
    """Credit per model: the path models' added up from the rollups (`accord.journeys.rollups`)
    kept up first; the counterfactual's from the cache or worked out from every touch
    (`_fitted_credits`)."""
    stamp = data_stamp()
    rolled = [m for m in models if m in ROLLED_UP]
    fitted = [m for m in models if m not in ROLLED_UP]
    parts = []
    if rolled:
        parts.append(_rolled_up_credits(query, by, rolled, stamp))
    if fitted:
        parts.append(_fitted_credits(query, by, fitted, stamp))
    by_model = {model: credit for part in parts for model, credit in part.by_model.items()}
    moments = [part.worked_out_at for part in parts if part.worked_out_at is not None]
    return _Credits(
        {model: by_model[model] for model in models},
        min(moments, default=None),
        any(part.data_changed_since for part in parts),
    )


#: The models read from the rollups: every rule-based model, Shapley and Markov (order 1).
ROLLED_UP = {*rollups.KEPT_MODELS, AttributionModel.MARKOV}


def _rolled_up_credits(query: AttributionQuery, by: str, models: list[str], stamp: str) -> _Credits:
    """The rollups kept up to the data as it is (`stamp`), then added up for the query. When
    every journey would have to be worked out again (deals edited, rates changed) and the query
    takes earlier credit (`earlier_ok`), the rollups as they are, marked as such (on a large
    database never kept yet, none: the worker builds them)."""
    if not Touchpoint.objects.exists():  # nothing to attribute or keep
        return _Credits(_credit(pl.DataFrame(), models))
    kept, kept_at = rollups.kept_stamp()
    changed_since = False
    if kept != stamp:
        with transaction.atomic():
            first_time = kept_at is None and not _many_touches()  # never kept: seconds
            done = rollups.keep_up(stamp=stamp, everything_ok=not query.earlier_ok or first_time)
        kept_at, changed_since = done.kept_at or kept_at, done.kept_at is None
    start, end = query.start, query.end
    segment = rollups.Segment(query.journey, by, start, end, query.region, query.industry)
    return _Credits(rollups.credit_of(segment, models), kept_at, changed_since)


def _fitted_credits(query: AttributionQuery, by: str, models: list[str], stamp: str) -> _Credits:
    """Credit per model, read from the cache when the same data and filters were attributed
    before; otherwise worked out from the cached journeys (see `accord.metrics.journeys`),
    those worked out before the data last changed if the query takes them (`earlier_ok`)."""
    credits = CreditCache(query, by, models)
    found, changed_since = credits.lookup(stamp), False
    complete = len(credits.models)
    if len(found) < complete and query.earlier_ok:
        if (earlier := credits.earlier(stamp)) is not None:
            found, changed_since = earlier, True
    if len(found) < complete:
        if not Touchpoint.objects.exists():  # nothing to attribute or cache
            return _Credits(_credit(pl.DataFrame(), models))
        if query.earlier_ok and not at_hand(query.journey, stamp) and _many_touches():
            working = CounterfactualCredit(refused="it is being worked out")
            return _Credits(dict.fromkeys(models, working), None, data_changed_since=True)
        journeys = won_journeys(query.journey, stamp, earlier_ok=query.earlier_ok)
        if journeys.data_changed_since:
            found, changed_since = credits.lookup(journeys.stamp), True
        found |= credits.compute(journeys, [m for m in credits.models if m not in found])
    worked_out_at = min((found[model][0] for model in models), default=None)
    return _Credits({m: found[m][1] for m in models}, worked_out_at, changed_since)


#: With more touches than about this, a panel taking earlier credit (`earlier_ok`) does not
#: wait for every touch to be read for the counterfactual model: the worker reads them (a
#: minute on ten million) while the panel shows the other models.
READ_INLINE_TOUCHES = 200_000


def _many_touches() -> bool:
    """About (by the last id, read from the index) more touches than READ_INLINE_TOUCHES."""
    return (Touchpoint.objects.aggregate(last=Max("id"))["last"] or 0) > READ_INLINE_TOUCHES


def caused_by_channel(query: AttributionQuery) -> tuple[CounterfactualCredit, _Credits]:
    """The counterfactual credit by channel the comparison shows, from the same cache."""
    credits = _credits(query, "channel", [AttributionModel.COUNTERFACTUAL])
    return credits.by_model[AttributionModel.COUNTERFACTUAL], credits


class CampaignRoiReport(WorkedOut):
    campaigns: list[CampaignRoi]


def run_campaign_roi(query: CampaignRoiQuery) -> list[CampaignRoi]:
    return run_campaign_roi_report(query).campaigns


def run_campaign_roi_report(query: CampaignRoiQuery) -> CampaignRoiReport:
    """Each campaign's ROI, and when its credit was worked out."""
    credits = _credits(query, "campaign", [query.model])
    credit, result = credits.by_model[query.model], []
    campaigns = with_reported_value(
        Campaign.objects.order_by("name"), amount="cost", currency="currency", day="start_date"
    )
    for name, cost in campaigns.values_list("name", "reported"):
        revenue = to_cents(credit.get(name, 0))
        result.append(
            CampaignRoi(
                campaign=name,
                cost=None if cost is None else to_cents(cost),
                attributed_revenue=revenue,
                roi=round(float(revenue / cost), 4) if cost else None,
            )
        )
    result.sort(key=lambda row: (-row.attributed_revenue, row.campaign))
    return CampaignRoiReport(
        campaigns=result,
        worked_out_at=credits.worked_out_at,
        data_changed_since=credits.data_changed_since,
        **_in_reporting_currency(query),
    )


class AttributionComparisonQuery(AttributionQuery):
    by: Literal["channel", "campaign"] = "channel"
    models: list[str] = list(COMPARED_MODELS)

    @model_validator(mode="after")
    def _path_models(self):
        unknown = [m for m in self.models if m not in PATH_MODELS]
        if unknown:
            raise ValueError(
                f"unknown model {unknown[0]!r}; choose from {', '.join(PATH_MODELS)} "
                "(the counterfactual credit is always shown beside them)"
            )
        return self


class ComparedCredit(BaseModel):
    """A channel's revenue under each path model, and the revenue its touches caused with its
    95% interval (None when the counterfactual credit was not worked out)."""

    name: str
    revenue: dict[str, Decimal]
    caused: Decimal | None = None
    caused_low: Decimal | None = None
    caused_high: Decimal | None = None


class CounterfactualFit(BaseModel):
    """How well the counterfactual model fits, or why it was not worked out (`refused`)."""

    learner: str = ""
    held_out_auc: float | None = None
    calibration_error: float | None = None
    revenue_without_touches: Decimal | None = None
    refused: str = ""


class AttributionComparison(WorkedOut):
    models: list[str]
    rows: list[ComparedCredit]
    counterfactual: CounterfactualFit = Field(default_factory=CounterfactualFit)


def run_attribution_comparison(query: AttributionComparisonQuery) -> AttributionComparison:
    """Revenue credited to each channel (or campaign) by several models, side by side, and the
    revenue each one's touches caused (the counterfactual credit)."""
    worked_out = _credits(query, query.by, [*query.models, AttributionModel.COUNTERFACTUAL])
    credits = worked_out.by_model
    caused: CounterfactualCredit = credits[AttributionModel.COUNTERFACTUAL]
    names = sorted({name for m in query.models for name in credits[m]} | set(caused.revenue))

    def money(amounts: dict[str, float], name: str) -> Decimal | None:
        return to_cents(amounts[name]) if name in amounts else None

    rows = [
        ComparedCredit(
            name=name,
            revenue={m: to_cents(credits[m].get(name, 0)) for m in query.models},
            caused=money(caused.revenue, name),
            caused_low=money(caused.low, name),
            caused_high=money(caused.high, name),
        )
        for name in names
    ]
    rows.sort(key=lambda row: -max(row.revenue.values(), default=0))
    fit = CounterfactualFit(
        learner=caused.learner,
        held_out_auc=caused.held_out_auc,
        calibration_error=caused.calibration_error,
        revenue_without_touches=(
            None if caused.baseline_revenue is None else to_cents(caused.baseline_revenue)
        ),
        refused=caused.refused,
    )
    return AttributionComparison(
        models=list(query.models),
        rows=rows,
        counterfactual=fit,
        worked_out_at=worked_out.worked_out_at,
        data_changed_since=worked_out.data_changed_since,
        **_in_reporting_currency(query),
    )
