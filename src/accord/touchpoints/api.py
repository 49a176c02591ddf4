"""Campaigns and touchpoints over JSON. Who sees and changes what: `touchpoints.access`."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from accord.crm import services
from accord.crm.api import ERRORS, Page, requested_changes
from accord.crm.schemas import Currency, UtcDatetime
from accord.inputs import Day, Id, Moment, Name, StrictIn, Text
from accord.money import Money
from accord.teams.access import Write
from accord.touchpoints import access
from accord.touchpoints.models import Campaign, Channel, Touchpoint
from accord.touchpoints.services import do_create_campaign, do_update_campaign

router = Router()
campaigns = Router(tags=["campaigns"])
touchpoints = Router(tags=["touchpoints"])


# --- campaigns --------------------------------------------------------------------------------


class CampaignPatch(StrictIn):
    name: Name(255) = None
    channel: Channel = None
    kind: Campaign.Kind = None
    start_date: Day | None = None
    end_date: Day | None = None
    cost: Money = None
    currency: Currency = None
    owner_team_id: Id | None = None
    status: Campaign.Status = None
    utm_campaign: Text(255) = None
    advantage: Text(200) = Field(None, description="The competitive advantage it promotes")


class CampaignCreate(CampaignPatch):
    name: Name(255)


class CampaignOut(Schema):
    id: int
    name: str
    channel: str
    kind: str
    start_date: dt.date | None
    end_date: dt.date | None
    cost: Decimal = Field(description="A decimal string, in `currency`")
    currency: str
    owner_team_id: int | None
    status: str
    utm_campaign: str
    advantage: str


class CampaignFilter(FilterSchema):
    status: Campaign.Status | None = None
    channel: Channel | None = None
    kind: Campaign.Kind | None = None
    utm_campaign: Annotated[str | None, FilterLookup("utm_campaign__iexact")] = None
    active_on: Annotated[
        dt.date | None,
        FilterLookup(["start_date__lte", "end_date__gte"], expression_connector="AND"),
    ] = None


@campaigns.get("", response=list[CampaignOut], description="Everyone reads every campaign.")
@paginate(Page)
def list_campaigns(request: HttpRequest, filters: Query[CampaignFilter]):
    return filters.filter(access.campaigns_for(request.auth)).order_by("id")


@campaigns.get("/{campaign_id}", response={200: CampaignOut, **ERRORS})
def get_campaign(request: HttpRequest, campaign_id: int):
    return access.access_campaign(request.auth, campaign_id)


@campaigns.post(
    "",
    response={201: CampaignOut, **ERRORS},
    description="Campaigns are Marketing's: Sales reads them. Names are unique (409).",
)
def create_campaign(request: HttpRequest, payload: CampaignCreate):
    changes = requested_changes(request, "campaign", Write.CREATE, payload, access.check_changes)
    return Status(201, do_create_campaign(changes, by=request.auth))


@campaigns.patch("/{campaign_id}", response={200: CampaignOut, **ERRORS})
def update_campaign(request: HttpRequest, campaign_id: int, payload: CampaignPatch):
    campaign = access.access_campaign(request.auth, campaign_id)
    changes = requested_changes(request, "campaign", Write.UPDATE, payload, access.check_changes)
    return do_update_campaign(campaign, changes, by=request.auth)


# --- touchpoints ------------------------------------------------------------------------------


class TouchpointPatch(StrictIn):
    campaign_id: Id | None = None
    channel: Channel = None
    kind: Touchpoint.Kind = None
    utm_source: Text(255) = None
    utm_medium: Text(255) = None
    utm_campaign: Text(255) = None
    utm_term: Text(255) = None
    utm_content: Text(255) = None
    referrer: Text(2048) = None
    page: Text(2048) = None
    occurred_at: Moment = None


class TouchpointCreate(TouchpointPatch):
    person_id: Id
    kind: Touchpoint.Kind


class TouchpointOut(Schema):
    id: int
    person_id: int
    campaign_id: int | None
    channel: str
    kind: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_term: str
    utm_content: str
    referrer: str
    page: str
    occurred_at: UtcDatetime


class TouchpointFilter(FilterSchema):
    person_id: Id | None = None
    campaign_id: Id | None = None
    channel: Channel | None = None
    kind: Touchpoint.Kind | None = None
    occurred_since: Annotated[Moment | None, FilterLookup("occurred_at__gte")] = None
    occurred_before: Annotated[Moment | None, FilterLookup("occurred_at__lt")] = None


@touchpoints.get(
    "", response=list[TouchpointOut], description="The touchpoints of the people you can see."
)
@paginate(Page)
def list_touchpoints(request: HttpRequest, filters: Query[TouchpointFilter]):
    return filters.filter(access.touchpoints_for(request.auth)).order_by("id")


@touchpoints.get("/{touchpoint_id}", response={200: TouchpointOut, **ERRORS})
def get_touchpoint(request: HttpRequest, touchpoint_id: int):
    return access.access_touchpoint(request.auth, touchpoint_id)


@touchpoints.post(
    "",
    response={201: TouchpointOut, **ERRORS},
    description="Record a touch on a person you can see.",
)
def create_touchpoint(request: HttpRequest, payload: TouchpointCreate):
    changes = requested_changes(request, "touchpoint", Write.CREATE, payload, access.check_changes)
    return Status(201, services.do_create_touchpoint(changes, by=request.auth))


@touchpoints.patch("/{touchpoint_id}", response={200: TouchpointOut, **ERRORS})
def update_touchpoint(request: HttpRequest, touchpoint_id: int, payload: TouchpointPatch):
    touchpoint = access.access_touchpoint(request.auth, touchpoint_id)
    changes = requested_changes(request, "touchpoint", Write.UPDATE, payload, access.check_changes)
    return services.do_update_touchpoint(touchpoint, changes, by=request.auth)


router.add_router("/campaigns", campaigns)
router.add_router("/touchpoints", touchpoints)
