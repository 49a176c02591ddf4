"""The shared dashboard: the same numbers for both teams, with charts and CSV exports."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accord import csvsafe
from accord.charts import bar_chart
from accord.metrics import credit
from accord.metrics import queries as q
from accord.metrics.experiments import ExperimentsReport, run_experiments_report
from accord.metrics.forms import DashboardFilters
from accord.metrics.sections import SECTIONS, attribution_rows, roi_rows
from accord.metrics.tasks import work_out_again_if_changed
from accord.touchpoints.models import Channel

TOP_CAMPAIGNS = 12


PANELS = [
    ("funnel", "Funnel: first touch to evangelist"),
    ("velocity", "Velocity (days per stage)"),
    ("leakage", "Leakage: where leads die"),
    ("pipeline", "Pipeline and revenue by source"),
    ("sla", "SLA compliance"),
    ("attribution", "Attribution compared across models"),
    ("roi", "ROI by campaign"),
    ("experiments", "Experiments: what campaigns added"),
]
# Panels across the page's full width: the SLA's two sides sit next to each other, the
# attribution table has a column per model, and ROI's chart sits beside its table.
WIDE_PANELS = {"sla", "attribution", "roi"}


@login_required
def dashboard(request):
    """The filters and a frame per panel: each panel asks for its numbers as the page loads,
    so the quick ones show while attribution is still being worked out."""
    form = DashboardFilters(DashboardFilters.with_defaults(request.GET))
    if not form.is_valid():
        context = {"form": form, "forms": [form], "has_errors": True}
        return render(request, "metrics/dashboard.html", context, status=400)
    context = {
        "form": form,
        "panels": PANELS,
        "wide": WIDE_PANELS,
        "query": request.GET.urlencode(),
    }
    return render(request, "metrics/dashboard.html", context)


def _funnel(filters, data) -> dict:
    funnel = q.run_funnel(q.FunnelQuery(**filters))
    chart = bar_chart("People who reached each stage", [(s.label, s.people) for s in funnel.total])
    return {"funnel": funnel, "funnel_chart": chart}


def _sla(filters, data) -> dict:
    sla = q.run_sla_compliance(q.SlaComplianceQuery(**filters))
    first_touch = [
        (f"{s.month:%b %Y}", round(s.first_touch_rate * 100) if s.first_touch_rate else 0)
        for s in sla.sales
    ]
    delivered = [(f"{m.month:%b %Y}", m.delivered) for m in sla.marketing]
    return {
        "sla": sla,
        "sales_chart": bar_chart("Handoffs first touched within the SLA (%)", first_touch),
        "marketing_chart": bar_chart("MQLs delivered", delivered),
    }


def _worked_out(result: credit.WorkedOut) -> dict:
    """Credit worked out before the data last changed shows while the worker works it out again
    (the panel then asks for itself every 20 s)."""
    return {"worked_out": result, "working_out": work_out_again_if_changed(result)}


def _roi(filters, data) -> dict:
    report = credit.run_campaign_roi_report(
        credit.CampaignRoiQuery(
            **filters, model=data["model"], journey=data["journey"], earlier_ok=True
        )
    )
    roi = report.campaigns[:TOP_CAMPAIGNS]
    title = (
        f"Attributed won revenue by campaign in {report.currency} "
        f"({data['model'].replace('_', ' ')})"
    )
    return _worked_out(report) | {
        "roi": roi,
        "model": data["model"],
        "roi_chart": bar_chart(title, [(r.campaign, int(r.attributed_revenue)) for r in roi]),
    }


def _attribution(filters, data) -> dict:
    comparison = credit.run_attribution_comparison(
        credit.AttributionComparisonQuery(**filters, journey=data["journey"], earlier_ok=True)
    )
    return _worked_out(comparison) | {
        "comparison": comparison,
        "comparison_bars": _comparison_bars(comparison),
        "comparison_labels": [m.replace("_", " ").capitalize() for m in comparison.models],
    }


def _experiments(filters, data) -> dict:
    report = run_experiments_report(credit.AttributionQuery(**filters, earlier_ok=True))
    return _worked_out(report) | {"report": report} | _experiment_charts(report)


def _experiment_charts(report: ExperimentsReport) -> dict:
    """Conversion of each arm side by side; each calibrated channel's caused revenue by the
    model and by its experiment."""
    rates = [
        (f"{row.campaign} · {arm}", round(rate * 100, 1))
        for row in report.experiments
        for arm, rate in (("exposed", row.exposed_rate), ("held out", row.held_out_rate))
    ]
    caused = [
        (f"{Channel(row.channel).label} · {source}", int(amount))
        for row in report.calibrations
        for source, amount in (("model", row.counterfactual), ("experiment", row.calibrated))
    ]
    return {
        "rates_chart": bar_chart("Conversion rate of each arm (%)", rates),
        "calibration_chart": bar_chart(
            f"Caused won revenue in {report.currency}: the model's, and calibrated to the "
            "experiment",
            caused,
        ),
    }


def _pipeline(filters, data) -> dict:
    return {
        "pipeline": q.run_pipeline_by_source(q.PipelineBySourceQuery(**filters)),
        "goal": q.run_goal_progress(q.GoalProgressQuery(day=filters["end"])),
    }


PANEL_CONTEXT = {
    "funnel": _funnel,
    "velocity": lambda filters, data: {"velocity": q.run_velocity(q.VelocityQuery(**filters))},
    "leakage": lambda filters, data: {"leakage": q.run_leakage(q.LeakageQuery(**filters))},
    "sla": _sla,
    "attribution": _attribution,
    "roi": _roi,
    "pipeline": _pipeline,
    "experiments": _experiments,
}


@login_required
def panel(request, name: str):
    """One panel of the dashboard under the page's filters."""
    if name not in PANEL_CONTEXT:
        raise Http404(f"No dashboard panel {name!r}")
    form = DashboardFilters(DashboardFilters.with_defaults(request.GET))
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    data = form.cleaned_data
    context = PANEL_CONTEXT[name](form.period(), data)
    context |= {"team": data["team"], "query": request.GET.urlencode()}
    return render(request, f"metrics/panels/{name}.html", context)


def _comparison_bars(comparison: credit.AttributionComparison) -> list[dict]:
    """Each channel's revenue per model with its bar length, scaled to the largest credit."""
    largest = max((v for row in comparison.rows for v in row.revenue.values()), default=0)
    return [
        {
            "name": row.name,
            "cells": [
                {
                    "model": model,
                    "revenue": value,
                    "percent": round(float(value / largest * 100), 1) if largest else 0,
                }
                for model, value in row.revenue.items()
            ],
        }
        for row in comparison.rows
    ]


@login_required
def export(request, section: str):
    """One section of the dashboard as CSV, under the same filters; formula-like cells are
    neutralised so a spreadsheet shows them as text."""
    if section not in SECTIONS and section != "roi":
        raise Http404(f"No dashboard section {section!r}")
    form = DashboardFilters(request.GET)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    filters = form.period()
    journey = form.cleaned_data["journey"]
    if section == "roi":
        headers, rows = roi_rows(filters, form.cleaned_data["model"], journey)
    elif section == "attribution":
        headers, rows = attribution_rows(filters, journey)
    else:
        headers, rows = SECTIONS[section](filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="accord-{section}.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(headers)
    writer.writerows(rows)
    return response
