"""The joint plan over JSON: campaign plans, their signatures and notice to sales; reps' ratings.

Refusals: 403 for a role that may not (only heads sign, marketing writes plans, reps rate), 409
for a plan whose state does not allow it (signed twice, a live campaign's plan), 422 for
invalid content, named by field.
"""

import datetime as dt

from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from accord.crm.api import ERRORS, Page
from accord.crm.schemas import UtcDatetime
from accord.inputs import StrictIn, Text
from accord.planning import selectors, services
from accord.planning.models import BuyingStep, CampaignPlan, CampaignRating
from accord.teams.auth import ApiRequest
from accord.teams.models import User
from accord.touchpoints import access

router = Router(tags=["joint plan"])


class PlanSignatureOut(Schema):
    signer: str
    signed_at: UtcDatetime


class PlanNoticeOut(Schema):
    state: str = Field(description="no_plan, unsigned, in_time, late or no_launch_date")
    text: str
    notice_days: int
    days: int | None = Field(
        description="Days of notice sales had (announced plans), or days left to sign in time"
    )
    sign_by: dt.date | None
    may_go_live: bool


class CampaignPlanOut(Schema):
    """Read from a plan of `selectors.list_plans()`."""

    campaign_id: int
    campaign: str
    campaign_status: str
    start_date: dt.date | None
    buying_stage: str = Field(alias="buying_step")
    objective: str
    audience: str
    message: str
    sales_material: str
    sales_follow_up: str
    edited_at: UtcDatetime
    marketing_signature: PlanSignatureOut | None
    sales_signature: PlanSignatureOut | None
    announced_at: UtcDatetime | None
    notice: PlanNoticeOut

    @staticmethod
    def resolve_campaign(plan: CampaignPlan) -> str:
        return plan.campaign.name

    @staticmethod
    def resolve_campaign_status(plan: CampaignPlan) -> str:
        return plan.campaign.status

    @staticmethod
    def resolve_start_date(plan: CampaignPlan) -> dt.date | None:
        return plan.campaign.start_date

    @staticmethod
    def resolve_marketing_signature(plan: CampaignPlan) -> dict | None:
        return _signature(plan.marketing_signed_by, plan.marketing_signed_at)

    @staticmethod
    def resolve_sales_signature(plan: CampaignPlan) -> dict | None:
        return _signature(plan.sales_signed_by, plan.sales_signed_at)

    @staticmethod
    def resolve_notice(plan: CampaignPlan) -> dict:
        notice_days = plan.notice_days  # type: ignore[attr-defined]  # by selectors.list_plans
        notice = selectors.get_notice(plan, plan.campaign.start_date, notice_days)
        return {**notice.__dict__, "may_go_live": notice.may_go_live}


class CampaignPlanIn(StrictIn):
    buying_stage: BuyingStep | None = None
    objective: Text(5000) = None  # type: ignore[valid-type]
    audience: Text(5000) = None  # type: ignore[valid-type]
    message: Text(5000) = None  # type: ignore[valid-type]
    sales_material: Text(5000) = None  # type: ignore[valid-type]
    sales_follow_up: Text(5000) = None  # type: ignore[valid-type]


class CampaignRatingIn(StrictIn):
    useful: bool = Field(description="Was the campaign and its material useful to you?")
    comment: Text(5000) = ""  # type: ignore[valid-type]


class CampaignRatingOut(Schema):
    campaign_id: int
    rep: str
    useful: bool
    comment: str
    rated_at: UtcDatetime


def _signature(user: User | None, at: dt.datetime | None) -> dict | None:
    return {"signer": str(user), "signed_at": at} if user else None


def _refusals(call, *args):
    try:
        return call(*args)
    except services.NotAllowed as exc:
        raise HttpError(403, str(exc)) from None
    except services.PlanningRefused as exc:
        raise HttpError(409, str(exc)) from None


def _plan_or_404(campaign_id: int, user: User) -> CampaignPlan:
    plan = selectors.get_plan(access.access_campaign(user, campaign_id))
    if plan is None:
        raise HttpError(404, f"Campaign {campaign_id} has no plan yet")
    return plan


@router.get(
    "/planning/campaign-plans",
    response=list[CampaignPlanOut],
    description="Every campaign plan, latest launch first, with its signatures and notice.",
)
@paginate(Page)
def list_plans(request: ApiRequest):
    return selectors.list_plans()


@router.get("/planning/campaign-plans/{campaign_id}", response={200: CampaignPlanOut, **ERRORS})
def get_plan(request: ApiRequest, campaign_id: int):
    return _plan_or_404(campaign_id, request.auth)


@router.put(
    "/planning/campaign-plans/{campaign_id}",
    response={200: CampaignPlanOut, **ERRORS},
    description="Marketing writes or changes a planned campaign's plan; only the fields sent "
    "change. A change to a signed plan clears both signatures.",
)
def write_plan(request: ApiRequest, campaign_id: int, payload: CampaignPlanIn):
    campaign = access.access_campaign(request.auth, campaign_id)
    fields = payload.model_dump(exclude_unset=True)
    if "buying_stage" in fields:
        fields["buying_step"] = fields.pop("buying_stage") or ""
    _refusals(services.do_write_plan, request.auth, campaign, fields)
    return selectors.get_plan(campaign)


@router.post(
    "/planning/campaign-plans/{campaign_id}/sign",
    response={200: CampaignPlanOut, **ERRORS},
    description="The marketing head or the sales head signs for their team, once; the second "
    "signature announces the plan to sales (an e-mail to the sales team).",
)
def sign_plan(request: ApiRequest, campaign_id: int):
    campaign = access.access_campaign(request.auth, campaign_id)
    _refusals(services.do_sign_plan, request.auth, campaign)
    return selectors.get_plan(campaign)


def _rating_out(rating: CampaignRating) -> dict:
    return {
        "campaign_id": rating.campaign_id,
        "rep": str(rating.rep),
        "useful": rating.useful,
        "comment": rating.comment,
        "rated_at": rating.rated_at,
    }


@router.get(
    "/planning/campaigns/{campaign_id}/ratings",
    response={200: list[CampaignRatingOut], **ERRORS},
    description="Marketing, the heads and admins read every rep's rating; a rep their own.",
)
def list_ratings(request: ApiRequest, campaign_id: int):
    campaign = access.access_campaign(request.auth, campaign_id)
    return [_rating_out(r) for r in selectors.list_ratings(request.auth, campaign)]


@router.post(
    "/planning/campaigns/{campaign_id}/ratings",
    response={201: CampaignRatingOut, **ERRORS},
    description="A rep rates a campaign that reached sales; a second rating replaces the first.",
)
def rate_campaign(request: ApiRequest, campaign_id: int, payload: CampaignRatingIn):
    campaign = access.access_campaign(request.auth, campaign_id)
    rating = _refusals(
        services.do_rate_campaign, request.auth, campaign, payload.useful, payload.comment
    )
    return Status(201, _rating_out(rating))
