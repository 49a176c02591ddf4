"""The shared funnel and metrics as JSON: the same query layer the dashboard runs."""

from django.http import HttpRequest
from ninja import Query, Router, Schema

from accord.crm.schemas import ErrorOut
from accord.metrics import credit
from accord.metrics import queries as q
from accord.metrics.tasks import work_out_again_if_changed

router = Router(tags=["metrics"])
ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


@router.get("/metrics/funnel", response=q.FunnelResult)
def funnel(request: HttpRequest, query: Query[q.FunnelQuery]):
    """People who reached each stage, with conversion from the stage before, in total and by
    the month they were created."""
    return q.run_funnel(query)


@router.get("/metrics/velocity", response=list[q.StageVelocity])
def velocity(request: HttpRequest, query: Query[q.VelocityQuery]):
    """Median and 80th percentile days from reaching a stage to reaching the next."""
    return q.run_velocity(query)


@router.get("/metrics/sla", response=q.SlaComplianceResult)
def sla(request: HttpRequest, query: Query[q.SlaComplianceQuery]):
    """Each month: Sales' handoffs touched and decided in time, Marketing's MQLs delivered
    against the commitment of the agreement in force (else `mql_commitment`)."""
    return q.run_sla_compliance(query)


@router.get("/metrics/roi", response=credit.CampaignRoiReport)
def roi(request: HttpRequest, query: Query[credit.CampaignRoiQuery]):
    """Won revenue attributed to each campaign by `model`, and that revenue over its cost,
    with when the credit was worked out."""
    report = credit.run_campaign_roi_report(query)
    work_out_again_if_changed(report)
    return report


@router.get("/metrics/attribution", response=credit.AttributionComparison)
def attribution(request: HttpRequest, query: Query[credit.AttributionComparisonQuery]):
    """Won revenue credited to each channel (`by=campaign`: campaign) by several models side
    by side; `journey=account` joins the touches of all people of an account into one journey."""
    comparison = credit.run_attribution_comparison(query)
    work_out_again_if_changed(comparison)
    return comparison


# --- the feedback loop ------------------------------------------------------------------------


class SlaTrendOut(Schema):
    commitment_source: str
    sales: list[q.SalesSlaPeriod]
    marketing: list[q.MarketingSlaMonth]


@router.get("/feedback/rejections", response={200: q.RejectionsResult, **ERRORS}, tags=["inbox"])
def rejections(request: HttpRequest, query: Query[q.RejectionsQuery]):
    """Leads Sales rejected in the period (by the day decided), counted and shared by reason, by
    the campaign and channel of the lead's last touch before the handoff, and by its source."""
    return q.run_rejections(query)


@router.get("/feedback/sla", response={200: SlaTrendOut, **ERRORS}, tags=["inbox"])
def sla_trend(request: HttpRequest, query: Query[q.SalesSlaTrendQuery]):
    """Sales' handoffs first touched and decided within the SLA, by week or month; Marketing's
    MQLs delivered each month against the commitment of the agreement in force."""
    marketing = q.run_sla_compliance(q.SlaComplianceQuery(**query.model_dump(exclude={"grain"})))
    return {
        "commitment_source": marketing.commitment_source,
        "sales": q.run_sales_sla_trend(query),
        "marketing": marketing.marketing,
    }
