"""Working out the dashboard's attribution before anybody asks for it."""

from django.db import transaction

from accord.attribution.command import JourneyKind
from accord.journeys import rollups
from accord.metrics import credit
from accord.metrics.forms import DashboardFilters
from accord.metrics.journeys import data_stamp, won_journeys
from accord.touchpoints.models import Touchpoint


def work_out_default_dashboard() -> None:
    """Attribution compared across models and ROI by campaign, under the dashboard's default
    filters, into the shared cache, and the journeys of the other kind (by account) too, so
    that any period, segment or journey answers from the cached journeys without reading every
    touch (a minute on ten million). Cheap when the cache holds them for the data as it is."""
    with transaction.atomic():  # attribution's rollups up to date first
        rollups.keep_up(stamp=data_stamp())
    form = DashboardFilters(DashboardFilters.with_defaults({}))
    form.is_valid()
    filters, journey = form.period(), form.cleaned_data["journey"]
    credit.run_attribution_comparison(credit.AttributionComparisonQuery(**filters, journey=journey))
    model = form.cleaned_data["model"]
    credit.run_campaign_roi(credit.CampaignRoiQuery(**filters, model=model, journey=journey))
    if Touchpoint.objects.exists():
        other = JourneyKind.ACCOUNT if journey == JourneyKind.PERSON else JourneyKind.PERSON
        won_journeys(other, data_stamp())
