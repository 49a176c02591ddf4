"""The dashboard's sections as rows: what the page shows and the CSV exports write."""

from accord.attribution.command import JourneyKind
from accord.metrics import credit
from accord.metrics import queries as q


def funnel_rows(filters) -> tuple[list[str], list[list]]:
    result = q.run_funnel(q.FunnelQuery(**filters))
    rows = [["all", s.label, s.people, s.rate_from_previous] for s in result.total]
    for cohort in result.cohorts:
        month = cohort.month.isoformat()[:7]
        rows += [[month, s.label, s.people, s.rate_from_previous] for s in cohort.stages]
    return ["cohort", "stage", "people", "conversion_from_previous"], rows


def velocity_rows(filters):
    result = q.run_velocity(q.VelocityQuery(**filters))
    rows = [[v.from_stage, v.to_stage, v.people, v.median_days, v.p80_days] for v in result]
    return ["from_stage", "to_stage", "people", "median_days", "p80_days"], rows


def leakage_rows(filters):
    result = q.run_leakage(q.LeakageQuery(**filters))
    rows = [["stage move", f"{x.from_stage} → {x.to_stage}", x.people] for x in result.leaks]
    rows += [["handoff rejected", r.label, r.handoffs] for r in result.rejections]
    return ["kind", "where", "count"], rows


def sla_rows(filters):
    result = q.run_sla_compliance(q.SlaComplianceQuery(**filters))
    marketing = {m.month: m for m in result.marketing}
    rows = [
        [
            s.month.isoformat()[:7], s.handoffs, s.first_touch_rate, s.decision_rate,
            s.first_touch_running, s.decision_running,
            marketing[s.month].delivered, marketing[s.month].commitment,
        ]
        for s in result.sales
    ]  # fmt: skip
    headers = [
        "month", "handoffs", "first_touch_in_time", "decided_in_time",
        "first_touch_running", "decision_running", "mqls_delivered", "mql_commitment",
    ]  # fmt: skip
    return headers, rows


def pipeline_rows(filters):
    result = q.run_pipeline_by_source(q.PipelineBySourceQuery(**filters))
    rows = [
        [r.source, r.open_pipeline, r.won_revenue, r.won_deals, result.currency]
        for r in result.sources
    ]
    return ["source", "open_pipeline", "won_revenue", "won_deals", "currency"], rows


def roi_rows(filters, model, journey=JourneyKind.PERSON):
    result = credit.run_campaign_roi_report(
        credit.CampaignRoiQuery(**filters, model=model, journey=journey)
    )
    rows = [
        [r.campaign, r.cost, r.attributed_revenue, r.roi, result.currency] for r in result.campaigns
    ]
    return ["campaign", "cost", f"attributed_revenue_{model}", "roi", "currency"], rows


def attribution_rows(filters, journey=JourneyKind.PERSON):
    query = credit.AttributionComparisonQuery(**filters, journey=journey)
    result = credit.run_attribution_comparison(query)
    rows = [
        [row.name, *row.revenue.values(), row.caused, row.caused_low, row.caused_high,
         result.currency]
        for row in result.rows
    ]  # fmt: skip
    caused = ["counterfactual", "counterfactual_low", "counterfactual_high"]
    return ["channel", *result.models, *caused, "currency"], rows


SECTIONS = {
    "funnel": funnel_rows,
    "velocity": velocity_rows,
    "leakage": leakage_rows,
    "sla": sla_rows,
    "pipeline": pipeline_rows,
    "attribution": attribution_rows,
}
