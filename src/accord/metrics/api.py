"""The shared funnel and metrics as JSON: the same query layer the dashboard runs."""

from django.http import HttpRequest
from ninja import Query, Router

from accord.metrics import credit
from accord.metrics import queries as q
from accord.metrics.tasks import work_out_again_if_changed

router = Router(tags=["metrics"])


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
