"""The one query layer of the shared funnel and the agreed metrics.

Each report is a typed query in and a typed result out; pages, the API and CSV exports all run
these. Counting is done by the database (ORM aggregates, or SQL where a report needs a join or a
pass the ORM would turn into a subquery per person) or by Polars on columns read once; nothing
loops over people in Python. Attribution compared across models and campaign ROI are in
`accord.metrics.credit`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

import polars as pl
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import NegatedExpression
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from pydantic import BaseModel, Field, model_validator

from accord.agreement.selectors import get_agreement_in_force
from accord.columns.vendor import microseconds_sql
from accord.crm.conversion import reporting_currency, with_reported_value
from accord.crm.models import (
    FUNNEL_ORDER,
    FunnelCount,
    LifecycleChange,
    LifecycleStage,
    Opportunity,
    Person,
    PipelineStage,
    StagesReached,
)
from accord.goals.models import RevenueGoal
from accord.handoff.models import Handoff, RejectReason, SlaDay
from accord.handoff.selectors import mqls_delivered_by_month
from accord.money import to_cents
from accord.periods import day_after, day_start
from accord.touchpoints.models import Channel, Touchpoint

STAGE_INDEX = {stage: index for index, stage in enumerate(FUNNEL_ORDER)}
LEAD_INDEX = STAGE_INDEX[LifecycleStage.LEAD]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    month, months = start.replace(day=1), []
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


# Reports run month by month; an unbounded period would be unbounded work.
MAX_PERIOD_DAYS = 3653


class MetricsQuery(BaseModel):
    """A period (inclusive dates, UTC) and an optional segment of the person's account."""

    start: dt.date
    end: dt.date
    region: str | None = None
    industry: str | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        if (self.end - self.start).days > MAX_PERIOD_DAYS:
            raise ValueError("a period is at most ten years long")
        return self

    def segment(self, prefix: str = "") -> Q:
        q = Q()
        if self.region:
            q &= Q(**{f"{prefix}account__region": self.region})
        if self.industry:
            q &= Q(**{f"{prefix}account__industry": self.industry})
        return q

    def people(self) -> QuerySet[Person]:
        return Person.objects.filter(self.segment())


# --- Money in the reporting currency ------------------------------------------------------

LISTED_LEFT_OUT = 20


class UnconvertedDeal(BaseModel):
    id: int
    name: str
    amount: Decimal
    currency: str
    close_date: dt.date | None


class LeftOut(BaseModel):
    """Deals left out of a money figure: no rate to the reporting currency is kept on or before
    their close date. `deals` counts them; `listed` names the first of them."""

    deals: int = 0
    listed: list[UnconvertedDeal] = Field(default_factory=list)

    @property
    def unlisted(self) -> int:
        return self.deals - len(self.listed)


def _reported(deals: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    return with_reported_value(deals, amount="amount", currency="currency", day="close_date")


def left_out_of(deals: QuerySet[Opportunity]) -> LeftOut:
    """Which of `deals` (annotated by `_reported`) have no rate to the reporting currency."""
    missing = deals.filter(Q(reported__isnull=True), amount__isnull=False)
    rows = missing.order_by("close_date", "id").values(
        "id", "name", "amount", "currency", "close_date"
    )[:LISTED_LEFT_OUT]
    listed = [UnconvertedDeal(**row) for row in rows]
    count = len(listed) if len(listed) < LISTED_LEFT_OUT else missing.count()
    return LeftOut(deals=count, listed=listed)


# --- The waterfall ------------------------------------------------------------------------


class FunnelQuery(MetricsQuery):
    """The cohorts are the people created in the period, by the month they were created."""


class StageCount(BaseModel):
    stage: str
    label: str
    people: int
    rate_from_previous: float | None


class Cohort(BaseModel):
    month: dt.date
    stages: list[StageCount]


class FunnelResult(BaseModel):
    total: list[StageCount]
    cohorts: list[Cohort]


def _param(moment: dt.datetime):
    return connection.ops.adapt_datetimefield_value(moment)


def _segment_columns(query: MetricsQuery) -> Q:
    """The segment on a rollup's own region and industry columns."""
    return Q(**{k: v for k, v in (("region", query.region), ("industry", query.industry)) if v})


def _waterfall(furthest: dict[int, int]) -> list[StageCount]:
    """From how many people stopped at each stage, how many reached each."""
    counts = [
        sum(n for index, n in furthest.items() if index >= stage)
        for stage in range(len(FUNNEL_ORDER))
    ]
    return [
        StageCount(
            stage=stage,
            label=LifecycleStage(stage).label,
            people=count,
            rate_from_previous=_rate(count, counts[i - 1]) if i else None,
        )
        for i, (stage, count) in enumerate(zip(FUNNEL_ORDER, counts, strict=True))
    ]


def run_funnel(query: FunnelQuery) -> FunnelResult:
    """Read from the funnel's rollup (`accord.crm.rollups`): people per creation day, segment
    and furthest stage of their history or stage now, a few thousand rows for a year."""
    rows = (
        FunnelCount.objects.filter(
            _segment_columns(query), day__gte=query.start, day__lte=query.end, people__gt=0
        )
        .annotate(month=TruncMonth("day"))
        .values_list("month", "furthest")
        .annotate(n=Sum("people"))
        .order_by()
    )
    total: dict[int, int] = {}
    by_month: dict[dt.date, dict[int, int]] = {}
    for month, furthest, people in rows:
        part = by_month.setdefault(_as_date(month), {})
        part[furthest] = part.get(furthest, 0) + people
        total[furthest] = total.get(furthest, 0) + people
    return FunnelResult(
        total=_waterfall(total),
        cohorts=[
            Cohort(month=month, stages=_waterfall(part)) for month, part in sorted(by_month.items())
        ],
    )


# --- Velocity -----------------------------------------------------------------------------


class VelocityQuery(MetricsQuery):
    """Time between first reaching a stage and first reaching the next, for moves into the next
    stage within the period."""


class StageVelocity(BaseModel):
    from_stage: str
    to_stage: str
    people: int
    median_days: float | None
    p80_days: float | None


def _velocity_sql(query: VelocityQuery) -> tuple[str, list]:
    """Per stage pair: whole seconds from first reaching a stage to first reaching the next,
    for people whose first move into the next stage is in the period (and not before the
    first move into the stage), read from the rollup of each person's first moment in each
    stage (`accord.crm.models.StagesReached`) by its index on that stage."""
    table = StagesReached._meta.db_table
    start, after = _param(day_start(query.start)), _param(day_after(query.end))
    segment, segment_params = "", []
    for column in ("region", "industry"):
        if value := getattr(query, column):
            segment += f" AND {column} = %s"
            segment_params.append(value)
    pairs, params = [], []
    for i in range(len(FUNNEL_ORDER) - 1):
        pairs.append(
            f"SELECT {i} AS stage, ({microseconds_sql(f's{i + 1}')} - {microseconds_sql(f's{i}')})"
            f" / 1000000 AS seconds FROM {table}"
            f" WHERE s{i + 1} >= %s AND s{i + 1} < %s AND s{i + 1} >= s{i}{segment}"
        )
        params += [start, after, *segment_params]
    return "\nUNION ALL\n".join(pairs), params


def run_velocity(query: VelocityQuery) -> list[StageVelocity]:
    """The database pairs each person's first moments in consecutive stages, Polars takes
    quantiles."""
    with connection.cursor() as cursor:
        cursor.execute(*_velocity_sql(query))
        pairs = pl.DataFrame(
            cursor.fetchall(), schema={"stage": pl.Int32, "seconds": pl.Int64}, orient="row"
        )
    days = pairs.with_columns((pl.col("seconds") / 86400).alias("days"))
    stats = days.group_by("stage").agg(
        pl.len().alias("people"),
        pl.col("days").median().alias("median"),
        pl.col("days").quantile(0.8, interpolation="linear").alias("p80"),
    )
    by_stage = {row["stage"]: row for row in stats.iter_rows(named=True)}
    result = []
    for index in range(len(FUNNEL_ORDER) - 1):
        row = by_stage.get(index, {"people": 0, "median": None, "p80": None})
        result.append(
            StageVelocity(
                from_stage=FUNNEL_ORDER[index],
                to_stage=FUNNEL_ORDER[index + 1],
                people=row["people"],
                median_days=None if row["median"] is None else round(row["median"], 2),
                p80_days=None if row["p80"] is None else round(row["p80"], 2),
            )
        )
    return result


# --- Leakage ------------------------------------------------------------------------------


class LeakageQuery(MetricsQuery):
    """Where leads die: people whose last move in the period sent them to disqualified or back
    to lead, by the stage they left; and why Sales rejected handoffs decided in the period."""


class Leak(BaseModel):
    from_stage: str
    to_stage: str
    people: int


class Rejection(BaseModel):
    reason: str
    label: str
    handoffs: int


class LeakageResult(BaseModel):
    leaks: list[Leak]
    rejections: list[Rejection]


def _last_in(period: Q) -> NegatedExpression:
    """No later move of the same person in the period (by time, then by order of writing)."""
    later = LifecycleChange.objects.filter(period, person_id=OuterRef("person_id")).filter(
        Q(changed_at__gt=OuterRef("changed_at"))
        | Q(changed_at=OuterRef("changed_at"), id__gt=OuterRef("id"))
    )
    return ~Exists(later)


def run_leakage(query: LeakageQuery) -> LeakageResult:
    period = Q(changed_at__gte=day_start(query.start), changed_at__lt=day_after(query.end))
    beyond_lead = FUNNEL_ORDER[LEAD_INDEX + 1 :]
    died = Q(to_stage=LifecycleStage.DISQUALIFIED) | Q(
        to_stage=LifecycleStage.LEAD, from_stage__in=beyond_lead
    )
    moves = LifecycleChange.objects.filter(period)
    if query.region or query.industry:  # every move is some person's: no join without a segment
        moves = moves.filter(person__in=query.people())
    counts = (
        moves.filter(_last_in(period))
        .filter(died)
        .order_by()
        .values("from_stage", "to_stage")
        .annotate(people=Count("id"))
    )
    leaks = sorted(
        (Leak(**row) for row in counts),
        key=lambda leak: (STAGE_INDEX.get(leak.from_stage, -1), leak.to_stage),
    )
    rejected = (
        Handoff.objects.filter(
            query.segment("person__"),
            status=Handoff.Status.REJECTED,
            decided_at__gte=day_start(query.start),
            decided_at__lt=day_after(query.end),
        )
        .values("reject_reason")
        .annotate(handoffs=Count("id"))
        .order_by("-handoffs", "reject_reason")
    )
    labels = dict(RejectReason.choices)
    return LeakageResult(
        leaks=leaks,
        rejections=[
            Rejection(
                reason=r["reject_reason"], label=labels[r["reject_reason"]], handoffs=r["handoffs"]
            )
            for r in rejected
        ],
    )


# --- SLA compliance -----------------------------------------------------------------------


class SlaComplianceQuery(MetricsQuery):
    """`mql_commitment` is used only when no agreement is in force."""

    mql_commitment: int | None = Field(default=None, ge=0)


class SalesSla(BaseModel):
    """Sales' side of the SLA: rates are of the clocks that count (due or stopped); clocks still
    running are counted apart (see `_sales_sla`)."""

    handoffs: int
    first_touched_in_time: int
    decided_in_time: int
    first_touch_rate: float | None
    decision_rate: float | None
    first_touch_running: int
    decision_running: int


class SalesSlaMonth(SalesSla):
    month: dt.date


class MarketingSlaMonth(BaseModel):
    """`commitment` and `met` are None when no commitment is known."""

    month: dt.date
    delivered: int
    commitment: int | None
    met: bool | None


class SlaComplianceResult(BaseModel):
    commitment_source: Literal["agreement", "parameter", "none"]
    sales: list[SalesSlaMonth]
    marketing: list[MarketingSlaMonth]


NO_HANDOFFS = {"handoffs": 0, "touched": 0, "decided": 0, "touch_running": 0, "deciding": 0}


def _running_clocks(query: MetricsQuery, trunc) -> dict[dt.date, dict]:
    """Per period (`trunc` of the handoff's UTC day), the clocks that still run now: the
    handoff open, the clock neither stopped nor due. A clock breached is due, so asking for no
    breach as well changes no count and lets the database read the partial index on each
    deadline, a few rows, not every handoff of the period."""
    now = timezone.now()
    touch = Q(
        first_touched_at__isnull=True,
        first_touch_breached_at__isnull=True,
        first_touch_due_at__gt=now,
    )
    decision = Q(
        decided_at__isnull=True, decision_breached_at__isnull=True, decision_due_at__gt=now
    )
    rows = (
        Handoff.objects.filter(
            query.segment("person__"),
            touch | decision,
            status__in=Handoff.OPEN,
            handed_off_at__gte=day_start(query.start),
            handed_off_at__lt=day_after(query.end),
        )
        .annotate(period=trunc("handed_off_at", tzinfo=dt.UTC))
        .values("period")
        .annotate(touch_running=Count("id", filter=touch), deciding=Count("id", filter=decision))
        .order_by()
    )
    return {_as_date(row["period"]): dict(row) for row in rows}


def _handoffs_in_time(query: MetricsQuery, trunc) -> dict[dt.date, dict]:
    """Per period (`trunc` of the handoff's UTC day): the handoffs that count, how many had
    their first touch and their decision in time (the SLA's rollup, `accord.handoff.rollups`),
    and how many of those clocks still run now. A reassignment closes a handoff and opens
    another with the same clocks: only the handoffs not passed on are counted."""
    kept = (
        SlaDay.objects.filter(_segment_columns(query), day__gte=query.start, day__lte=query.end)
        .annotate(period=trunc("day"))
        .values("period")
        .annotate(handoffs=Sum("handoffs"), touched=Sum("touched"), decided=Sum("decided"))
        .order_by()
    )
    counts = {_as_date(row["period"]): NO_HANDOFFS | row for row in kept}
    for period, running in _running_clocks(query, trunc).items():
        counts.setdefault(period, dict(NO_HANDOFFS)).update(
            touch_running=running["touch_running"], deciding=running["deciding"]
        )
    return counts


def _sales_sla(row: dict) -> dict:
    """Sales' side of the SLA as every page, download and the API show it: a clock counts once
    it is due or stopped; one still running is neither in time nor missed yet, and is counted
    apart. Right after the pool is handed out, the new clocks do not read as misses."""
    return {
        "handoffs": row["handoffs"],
        "first_touched_in_time": row["touched"],
        "decided_in_time": row["decided"],
        "first_touch_rate": _rate(row["touched"], row["handoffs"] - row["touch_running"]),
        "decision_rate": _rate(row["decided"], row["handoffs"] - row["deciding"]),
        "first_touch_running": row["touch_running"],
        "decision_running": row["deciding"],
    }


def run_sales_sla(query: MetricsQuery) -> SalesSla:
    """Sales' side of the SLA over the whole period, counted as month by month."""
    whole = dict(NO_HANDOFFS)
    for counts in _handoffs_in_time(query, TruncMonth).values():
        for name in NO_HANDOFFS:
            whole[name] += counts[name]
    return SalesSla(**_sales_sla(whole))


def run_sla_compliance(query: SlaComplianceQuery) -> SlaComplianceResult:
    by_month = _handoffs_in_time(query, TruncMonth)
    months = _months(query.start, query.end)
    sales = [
        SalesSlaMonth(month=month, **_sales_sla(by_month.get(month, NO_HANDOFFS)))
        for month in months
    ]
    agreement = get_agreement_in_force()
    commitment = agreement.document.sla.mqls_per_month if agreement else query.mql_commitment
    delivered = mqls_delivered_by_month(months)
    marketing = [
        MarketingSlaMonth(
            month=month,
            delivered=delivered.get(month, 0),
            commitment=commitment,
            met=None if commitment is None else delivered.get(month, 0) >= commitment,
        )
        for month in months
    ]
    source: Literal["agreement", "parameter", "none"] = (
        "agreement" if agreement else "parameter" if commitment is not None else "none"
    )
    return SlaComplianceResult(
        commitment_source=source,
        sales=sales,
        marketing=marketing,
    )


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# --- Pipeline and revenue by source -------------------------------------------------------


class PipelineBySourceQuery(MetricsQuery):
    """Open pipeline today and revenue won in the period, by where the primary contact came
    from: the person's original source, or the channel of their first touch."""

    by: Literal["original_source", "first_touch_channel"] = "original_source"


class SourceRevenue(BaseModel):
    source: str
    open_pipeline: Decimal
    won_revenue: Decimal
    won_deals: int


class PipelineBySource(BaseModel):
    """Amounts in `currency`; deals with no rate to it are left out and listed."""

    currency: str
    sources: list[SourceRevenue]
    left_out: LeftOut


def run_pipeline_by_source(query: PipelineBySourceQuery) -> PipelineBySource:
    opportunities = _reported(
        Opportunity.objects.filter(
            query.segment("primary_contact__"), primary_contact__isnull=False
        )
    )
    if query.by == "first_touch_channel":
        first = Touchpoint.objects.filter(person_id=OuterRef("primary_contact_id")).order_by(
            "occurred_at", "id"
        )
        opportunities = opportunities.annotate(source=Subquery(first.values("channel")[:1]))
    else:
        opportunities = opportunities.annotate(source=F("primary_contact__original_source"))
    closed = (PipelineStage.CLOSED_WON, PipelineStage.CLOSED_LOST)
    won = Q(stage=PipelineStage.CLOSED_WON, close_date__gte=query.start, close_date__lte=query.end)
    counted = (won | ~Q(stage__in=closed)) & (Q(reported__isnull=False) | Q(amount__isnull=True))
    rows = (
        opportunities.filter(counted)
        .values("source")
        .annotate(
            open_pipeline=Sum("reported", filter=~Q(stage__in=closed), default=0),
            won_revenue=Sum("reported", filter=won, default=0),
            won_deals=Count("id", filter=won),
        )
        .filter(Q(open_pipeline__gt=0) | Q(won_deals__gt=0))
        .order_by("-won_revenue", "source")
    )
    sources = [
        SourceRevenue(
            source=row["source"] or "(unknown)",
            open_pipeline=to_cents(row["open_pipeline"]),
            won_revenue=to_cents(row["won_revenue"]),
            won_deals=row["won_deals"],
        )
        for row in rows
    ]
    return PipelineBySource(
        currency=reporting_currency(),
        sources=sources,
        left_out=left_out_of(opportunities.filter(won | ~Q(stage__in=closed))),
    )


# --- Won revenue and the shared revenue goal ----------------------------------------------


class WonRevenueQuery(MetricsQuery):
    """Deals won in the period (by close date) in the segment."""


class WonRevenue(BaseModel):
    """Revenue in `currency`, from the deals that could be converted to it."""

    currency: str
    won_revenue: Decimal
    won_deals: int
    left_out: LeftOut


def won_deals(query: MetricsQuery) -> QuerySet[Opportunity]:
    """Deals won in the period and segment, with their amount in the reporting currency."""
    return _reported(
        Opportunity.objects.filter(
            query.segment(),
            stage=PipelineStage.CLOSED_WON,
            close_date__gte=query.start,
            close_date__lte=query.end,
        )
    )


def run_won_revenue(query: WonRevenueQuery) -> WonRevenue:
    """The one count of won revenue: the dashboard, the goals, the digest and payouts read it."""
    deals = won_deals(query)
    won = deals.filter(Q(reported__isnull=False) | Q(amount__isnull=True)).aggregate(
        revenue=Sum("reported", default=0), deals=Count("id")
    )
    return WonRevenue(
        currency=reporting_currency(),
        won_revenue=to_cents(won["revenue"]),
        won_deals=won["deals"],
        left_out=left_out_of(deals),
    )


class GoalProgressQuery(BaseModel):
    """The shared goal (accord.goals) whose month or quarter holds `day`."""

    day: dt.date


class GoalProgress(BaseModel):
    """A shared goal and the revenue won in its period, both teams together, in `currency` (the
    reporting currency). A goal set in another currency is converted at the rate of its first
    day; `goal` is None when no such rate is kept (`goal_as_set` in `goal_currency` then)."""

    goal_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    goal: Decimal | None
    goal_as_set: Decimal
    goal_currency: str
    currency: str
    won_revenue: Decimal
    won_deals: int
    progress: float | None
    left_out: LeftOut


def goal_progress(goal: RevenueGoal) -> GoalProgress:
    """Progress to `goal`: every page, the digest and the API show this one figure."""
    won = run_won_revenue(WonRevenueQuery(start=goal.starts_on, end=goal.ends_on))
    reported = (
        with_reported_value(
            RevenueGoal.objects.filter(pk=goal.pk),
            amount="amount",
            currency="currency",
            day="starts_on",
        )
        .values_list("reported", flat=True)
        .first()
    )
    amount = None if reported is None else to_cents(reported)
    return GoalProgress(
        goal_id=goal.pk,
        name=goal.name,
        starts_on=goal.starts_on,
        ends_on=goal.ends_on,
        goal=amount,
        goal_as_set=to_cents(goal.amount),
        goal_currency=goal.currency,
        currency=won.currency,
        won_revenue=won.won_revenue,
        won_deals=won.won_deals,
        progress=round(float(won.won_revenue / amount), 4) if amount else None,
        left_out=won.left_out,
    )


def run_goal_progress(query: GoalProgressQuery) -> GoalProgress | None:
    """Progress to the goal of the period holding the day; None when no goal is set for it."""
    goal = RevenueGoal.objects.filter(starts_on__lte=query.day, ends_on__gte=query.day).first()
    return None if goal is None else goal_progress(goal)


# --- The feedback loop: why Sales rejects, and both sides of the SLA over time --------------


class RejectionsQuery(MetricsQuery):
    """Handoffs Sales rejected in the period (by the day decided, UTC), broken down by reason,
    by the campaign and channel of the lead's last touch before the handoff, and by the
    lead's original source."""


class RejectionShare(BaseModel):
    key: str
    label: str
    rejections: int
    share: float | None


class RejectionsResult(BaseModel):
    total: int
    by_reason: list[RejectionShare]
    by_campaign: list[RejectionShare]
    by_channel: list[RejectionShare]
    by_source: list[RejectionShare]


def _shares(rows, total: int, labels: dict[str, str]) -> list[RejectionShare]:
    return [
        RejectionShare(
            key=row["key"] or "",
            label=labels.get(row["key"], row["key"]) if row["key"] else "(unknown)",
            rejections=row["n"],
            share=_rate(row["n"], total),
        )
        for row in rows
    ]


def run_rejections(query: RejectionsQuery) -> RejectionsResult:
    last_touch = Touchpoint.objects.filter(
        person_id=OuterRef("person_id"), occurred_at__lte=OuterRef("handed_off_at")
    ).order_by("-occurred_at", "-id")
    rejected = Handoff.objects.filter(
        query.segment("person__"),
        status=Handoff.Status.REJECTED,
        decided_at__gte=day_start(query.start),
        decided_at__lt=day_after(query.end),
    ).annotate(
        campaign_name=Subquery(last_touch.values("campaign__name")[:1]),
        touch_channel=Subquery(last_touch.values("channel")[:1]),
    )
    total = rejected.count()
    channels = dict(Channel.choices)
    reasons = dict(RejectReason.choices)

    def by(field: str, labels: dict[str, str]) -> list[RejectionShare]:
        rows = (
            rejected.annotate(key=F(field))
            .values("key")
            .annotate(n=Count("id"))
            .order_by("-n", "key")
        )
        return _shares(rows, total, labels)

    return RejectionsResult(
        total=total,
        by_reason=by("reject_reason", reasons),
        by_campaign=by("campaign_name", {}),
        by_channel=by("touch_channel", channels),
        by_source=by("person__original_source", channels),
    )


class SalesSlaTrendQuery(MetricsQuery):
    """Sales' side of the SLA by week (weeks start on Monday) or by month of the handoff."""

    grain: Literal["week", "month"] = "month"


class SalesSlaPeriod(SalesSla):
    period: dt.date


def _periods(start: dt.date, end: dt.date, grain: str) -> list[dt.date]:
    if grain == "month":
        return _months(start, end)
    week = start - dt.timedelta(days=start.weekday())
    weeks = []
    while week <= end:
        weeks.append(week)
        week += dt.timedelta(days=7)
    return weeks


def run_sales_sla_trend(query: SalesSlaTrendQuery) -> list[SalesSlaPeriod]:
    """Sales' side of the SLA by week or month, counted as `run_sla_compliance` counts it."""
    by_period = _handoffs_in_time(query, TruncWeek if query.grain == "week" else TruncMonth)
    return [
        SalesSlaPeriod(period=period, **_sales_sla(by_period.get(period, NO_HANDOFFS)))
        for period in _periods(query.start, query.end, query.grain)
    ]
