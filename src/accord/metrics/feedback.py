"""Marketing's feedback page (why Sales rejects leads, and both sides of the SLA over time) and
its CSV downloads, from the one metrics query layer."""

from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accord import csvsafe
from accord.charts import bar_chart
from accord.metrics import queries as q
from accord.metrics.forms import FeedbackFilters

TOP_ROWS = 12


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


def sla_rows(filters: dict, grain: Literal["week", "month"]) -> tuple[list[str], list[list]]:
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


@login_required
def feedback(request):
    """Marketing's view of the handoff: why Sales rejects leads, and both sides of the SLA."""
    form = FeedbackFilters(FeedbackFilters.with_defaults(request.GET))
    if not form.is_valid():
        context = {"form": form, "forms": [form], "has_errors": True}
        return render(request, "metrics/feedback.html", context, status=400)
    filters, grain = form.period(), form.cleaned_data["grain"]
    rejections = q.run_rejections(q.RejectionsQuery(**filters))
    sales = q.run_sales_sla_trend(q.SalesSlaTrendQuery(**filters, grain=grain))
    marketing = q.run_sla_compliance(q.SlaComplianceQuery(**filters))
    context = {
        "form": form,
        "grain": grain,
        "query": request.GET.urlencode(),
        "rejections": rejections,
        "breakdowns": [
            (title, *_top(shares), bar_chart(f"Rejections by {title}", _bars(shares)))
            for title, shares in (
                ("reason", rejections.by_reason),
                ("campaign", rejections.by_campaign),
                ("channel", rejections.by_channel),
                ("source", rejections.by_source),
            )
        ],
        "sales": sales,
        "sales_chart": bar_chart(
            "First touch within the SLA (%)",
            [(_period_label(s.period, grain), _percent(s.first_touch_rate)) for s in sales],
        ),
        "decision_chart": bar_chart(
            "Accepted or rejected within the SLA (%)",
            [(_period_label(s.period, grain), _percent(s.decision_rate)) for s in sales],
        ),
        "marketing": marketing,
        "marketing_chart": bar_chart(
            "MQLs delivered",
            [(m.month.strftime("%b %Y"), m.delivered) for m in marketing.marketing],
        ),
    }
    return render(request, "metrics/feedback.html", context)


@dataclass(frozen=True)
class TheRest:
    """The shares after the top rows, summed: the page shows them as one row (the CSV lists
    each), so a list of two hundred campaigns does not make the page two hundred rows long."""

    count: int
    rejections: int
    share: float | None


def _top(shares) -> tuple[list, TheRest | None]:
    rest = shares[TOP_ROWS:]
    if not rest:
        return shares, None
    known = [s.share for s in rest if s.share is not None]
    summed = TheRest(len(rest), sum(s.rejections for s in rest), sum(known) if known else None)
    return shares[:TOP_ROWS], summed


def _bars(shares) -> list[tuple[str, int]]:
    return [(s.label, s.rejections) for s in shares[:TOP_ROWS]]


def _percent(rate: float | None) -> int:
    return round(rate * 100) if rate is not None else 0


def _period_label(period, grain: str) -> str:
    return period.strftime("%b %Y") if grain == "month" else f"Week of {period:%d %b}"


@login_required
def feedback_export(request, section: str):
    """One part of the feedback page as CSV, for the same period; formula-like cells are
    neutralised so a spreadsheet shows them as text."""
    if section not in SECTIONS:
        raise Http404(f"No feedback section {section!r}")
    form = FeedbackFilters(FeedbackFilters.with_defaults(request.GET))
    if not form.is_valid():
        problems = [f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()]
        return HttpResponse("\n".join(problems), status=400, content_type="text/plain")
    filters, grain = form.period(), form.cleaned_data["grain"]
    headers, rows = SECTIONS[section](filters, grain)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="accord-feedback-{section}.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(headers)
    writer.writerows(rows)
    return response
