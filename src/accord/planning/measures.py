"""Each buying stage's metric, read from the shared database through the metrics query layer."""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from accord.crm.models import LifecycleStage
from accord.metrics.queries import (
    FunnelQuery,
    MetricsQuery,
    WonRevenueQuery,
    run_funnel,
    run_sales_sla,
    run_won_revenue,
)
from accord.money import format_money
from accord.planning.models import BuyingStage, Metric

PERIOD_DAYS = 90

# Metrics counted on the waterfall: people who entered the funnel in the period and reached...
FUNNEL_METRICS = {
    Metric.NEW_PEOPLE: LifecycleStage.SUBSCRIBER,
    Metric.LEADS: LifecycleStage.LEAD,
    Metric.MQLS: LifecycleStage.MQL,
    Metric.SALS: LifecycleStage.SAL,
    Metric.SQLS: LifecycleStage.SQL,
    Metric.OPPORTUNITIES: LifecycleStage.OPPORTUNITY,
    Metric.CUSTOMERS: LifecycleStage.CUSTOMER,
    Metric.EVANGELISTS: LifecycleStage.EVANGELIST,
}


@dataclass(frozen=True)
class Measure:
    metric: str
    label: str
    value: str


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def last_days(cls, days: int = PERIOD_DAYS, today: dt.date | None = None) -> "Period":
        today = today or timezone.now().date()
        return cls(today - dt.timedelta(days=days - 1), today)


class _Readings:
    """Runs each query of the metrics layer once, whichever stages ask for it."""

    def __init__(self, period: Period):
        self.period = period

    @cached_property
    def funnel(self) -> dict[str, int]:
        result = run_funnel(FunnelQuery(start=self.period.start, end=self.period.end))
        return {row.stage: row.people for row in result.total}

    @cached_property
    def won(self):
        return run_won_revenue(WonRevenueQuery(start=self.period.start, end=self.period.end))

    @cached_property
    def first_touch_rate(self) -> str:
        sla = run_sales_sla(MetricsQuery(start=self.period.start, end=self.period.end))
        if not sla.handoffs:
            return "no handoffs"
        running = f" ({sla.first_touch_running:,} running)" if sla.first_touch_running else ""
        if sla.first_touch_rate is None:
            return f"none due yet{running}"
        counted = sla.handoffs - sla.first_touch_running
        return f"{sla.first_touch_rate:.0%} of {counted:,}{running}"

    def value(self, metric: str) -> str:
        if metric in FUNNEL_METRICS:
            return f"{self.funnel[FUNNEL_METRICS[Metric(metric)]]:,}"
        if metric == Metric.WON_DEALS:
            return f"{self.won.won_deals:,}"
        if metric == Metric.WON_REVENUE:
            return format_money(self.won.won_revenue, self.won.currency)
        return self.first_touch_rate


def measure_stages(stages: list[BuyingStage], period: Period) -> dict[str, Measure]:
    """The current value of each stage's metric over `period`, keyed by stage."""
    readings = _Readings(period)
    return {
        stage.step: Measure(stage.metric, stage.get_metric_display(), readings.value(stage.metric))
        for stage in stages
    }
