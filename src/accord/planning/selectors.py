"""Reads of the joint plan that pages, the API and the launch check share."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.planning.defaults import default_stage
from accord.planning.models import (
    BuyingStage,
    BuyingStep,
    CampaignPlan,
    CampaignRating,
    PlanningSettings,
)
from accord.teams import access
from accord.teams.models import User
from accord.touchpoints.models import Campaign


def get_notice_days() -> int:
    stored = PlanningSettings.objects.first()
    return stored.notice_days if stored else PlanningSettings.DEFAULT_NOTICE_DAYS


def get_buying_process() -> list[BuyingStage]:
    """The six stages in order: each as the heads set it, or as the default plan has it."""
    stored = {stage.step: stage for stage in BuyingStage.objects.select_related("edited_by")}
    return [stored.get(step) or default_stage(step) for step in BuyingStep.values]


@dataclass(frozen=True)
class Notice:
    """Where a campaign stands on reaching sales in time.

    `state`: no_plan, unsigned (a signature is missing), in_time, late, no_launch_date.
    `days` is the notice sales had (announced plans) or has left to sign in time (others).
    """

    state: str
    text: str
    notice_days: int
    days: int | None = None
    sign_by: dt.date | None = None

    @property
    def may_go_live(self) -> bool:
        return self.state == "in_time"


def _missing_signatures(plan: CampaignPlan) -> list[str]:
    missing = []
    if plan.marketing_signed_at is None:
        missing.append("the marketing head")
    if plan.sales_signed_at is None:
        missing.append("the sales head")
    return missing


def get_notice(
    plan: CampaignPlan | None,
    launch: dt.date | None,
    notice_days: int,
    today: dt.date | None = None,
) -> Notice:
    """Whether a campaign launching on `launch` reached (or can still reach) sales in time."""
    today = today or timezone.now().date()
    if plan is None:
        return Notice("no_plan", "No plan yet: sales has not been told", notice_days)
    if launch is None:
        return Notice(
            "no_launch_date", "No start date: sales cannot be told when it launches", notice_days
        )
    sign_by = launch - dt.timedelta(days=notice_days)
    if plan.announced_at is None:
        waiting = " and ".join(_missing_signatures(plan))
        left = (sign_by - today).days
        when = (
            f"sign by {sign_by:%d %b %Y} to give sales {notice_days} days"
            if left >= 0
            else f"too late for {notice_days} days of notice before {launch:%d %b %Y}"
        )
        return Notice("unsigned", f"Waits for {waiting}; {when}", notice_days, left, sign_by)
    had = (launch - plan.announced_at.date()).days
    announced = f"Announced to sales {plan.announced_at:%d %b %Y}, {had} days before launch"
    if had >= notice_days:
        return Notice("in_time", announced, notice_days, had, sign_by)
    earliest = plan.announced_at.date() + dt.timedelta(days=notice_days)
    text = f"{announced}: {notice_days} are needed; starting {earliest:%d %b %Y} gives them"
    return Notice("late", text, notice_days, had, sign_by)


def list_plans() -> QuerySet[CampaignPlan]:
    """Campaign plans, latest launch first, each with its campaign, signers and the notice
    period in force (`notice_days`), in one query."""
    stored = PlanningSettings.objects.values("notice_days")[:1]
    return (
        CampaignPlan.objects.select_related(
            "campaign", "marketing_signed_by", "sales_signed_by", "edited_by"
        )
        .annotate(
            notice_days=Coalesce(Subquery(stored), Value(PlanningSettings.DEFAULT_NOTICE_DAYS))
        )
        .order_by(F("campaign__start_date").desc(nulls_last=True), "campaign__name")
    )


def get_plan(campaign: Campaign) -> CampaignPlan | None:
    return list_plans().filter(campaign=campaign).first()


def list_campaigns_with_plans() -> QuerySet[Campaign]:
    """Every campaign with its plan and how reps rated it, latest launch first, in one query."""
    return (
        Campaign.objects.select_related(
            "plan", "plan__marketing_signed_by", "plan__sales_signed_by"
        )
        .annotate(
            ratings_count=Count("ratings"),
            useful_count=Count("ratings", filter=Q(ratings__useful=True)),
        )
        .order_by("-start_date", "name")
    )


def list_ratings(user: User, campaign: Campaign) -> QuerySet[CampaignRating]:
    """Marketing, the heads and admins read every rep's rating; a rep reads their own."""
    ratings = CampaignRating.objects.filter(campaign=campaign).select_related("rep")
    if not access.sees_every_rating(user):
        ratings = ratings.filter(rep=user)
    return ratings.order_by("-rated_at", "-id")


def get_own_rating(user: User, campaign: Campaign) -> CampaignRating | None:
    return CampaignRating.objects.filter(campaign=campaign, rep=user).first()
