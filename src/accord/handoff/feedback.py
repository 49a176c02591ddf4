"""The feedback loop as rows: what the page shows and the CSV downloads write, from the one
metrics query layer."""

import datetime as dt

from django.utils import timezone

from accord.metrics import queries as q

DEFAULT_MONTHS = 6


def period_from(params) -> tuple[dict, str]:
    """Filters from a query string: the last six months to today unless given. Raises
    pydantic's ValidationError on a bad date or an unknown grain."""
    today = timezone.now().date()
    start = (today.replace(day=1) - dt.timedelta(days=31 * (DEFAULT_MONTHS - 1))).replace(day=1)
    data = {
        "start": params.get("start") or start,
        "end": params.get("end") or today,
        "region": params.get("region") or None,
        "industry": params.get("industry") or None,
    }
    grain = params.get("grain") or "month"
    q.SalesSlaTrendQuery(**data, grain=grain)  # validates the lot
    return q.MetricsQuery(**data).model_dump(), grain


def rejection_rows(filters: dict, grain: str) -> tuple[list[str], list[list]]:
    result = q.run_rejections(q.RejectionsQuery(**filters))
    rows = []
    for by, shares in (
        ("reason", result.by_reason),
        ("campaign", result.by_campaign),
        ("channel", result.by_channel),
        ("source", result.by_source),
    ):
        rows += [[by, s.label, s.rejections, s.share] for s in shares]
    return ["by", "value", "rejections", "share"], rows


def sla_rows(filters: dict, grain: str) -> tuple[list[str], list[list]]:
    sales = q.run_sales_sla_trend(q.SalesSlaTrendQuery(**filters, grain=grain))
    marketing = q.run_sla_compliance(q.SlaComplianceQuery(**filters)).marketing
    rows = [
        [
            "sales",
            s.period.isoformat(),
            s.handoffs,
            s.first_touch_rate,
            s.decision_rate,
            s.first_touch_running,
            s.decision_running,
            "",
            "",
        ]
        for s in sales
    ]
    rows += [
        ["marketing", m.month.isoformat()[:7], "", "", "", "", "", m.delivered, m.commitment]
        for m in marketing
    ]
    headers = [
        "team", "period", "handoffs", "first_touch_in_time", "decided_in_time",
        "first_touch_running", "decision_running", "mqls_delivered", "mql_commitment",
    ]  # fmt: skip
    return headers, rows


SECTIONS = {"rejections": rejection_rows, "sla": sla_rows}
