"""Shared goals and rewards over JSON: goals with their progress, the reward plan, payouts.

Goals, the plan and campaign ideas are set by the two heads (403 otherwise). A plan that does not
add up answers 422 with one entry per field and reason. Payouts list only what the caller may
see: their own; a head their team's; an admin everybody's.
"""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from accord.crm.api import ERRORS
from accord.goals import selectors as s
from accord.goals.models import RevenueGoal
from accord.goals.plan import RewardPlan
from accord.goals.services import do_record_idea, do_save_plan, do_set_goal
from accord.inputs import Day, Id, StrictIn
from accord.money import Money
from accord.teams.auth import ApiRequest
from accord.teams.models import User
from accord.touchpoints.access import access_campaign

router = Router(tags=["goals"])


class GoalIn(StrictIn):
    period: str = Field(description="month or quarter")
    day: Day = Field(description="any day in the period")
    amount: Money
    currency: str | None = Field(None, description="The reporting currency when not given")


class GoalOut(Schema):
    id: int
    period: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    amount: Decimal = Field(description="The goal as set, in `currency`")
    currency: str
    reporting_currency: str = Field(description="The currency of every figure below")
    goal: Decimal | None = Field(
        description="The goal in the reporting currency; null when no rate converts it"
    )
    won_revenue: Decimal
    won_deals: int
    deals_left_out: int = Field(
        description="Won deals not counted: no rate to the reporting currency by their close date"
    )
    progress: float | None


class RewardPlanOut(Schema):
    number: int
    created_at: dt.datetime
    plan: RewardPlan


class PayoutOut(Schema):
    person_id: int
    person: str
    team: str
    team_share: Decimal
    recognition: Decimal
    total: Decimal


class PayoutsOut(Schema):
    goal: GoalOut
    plan_number: int
    currency: str = Field(description="The reporting currency, of the pool and every payout")
    pool: Decimal
    sales: Decimal
    marketing: Decimal
    recognition: Decimal
    payouts: list[PayoutOut]


class IdeaIn(StrictIn):
    campaign_id: Id
    person_id: Id


class IdeaOut(Schema):
    campaign_id: int
    person_id: int


def _goal_out(goal: RevenueGoal) -> GoalOut:
    progress = s.goal_progress(goal)
    return GoalOut(
        id=goal.pk,
        period=goal.period,
        name=goal.name,
        starts_on=goal.starts_on,
        ends_on=goal.ends_on,
        amount=goal.amount,
        currency=goal.currency,
        reporting_currency=progress.currency,
        goal=progress.goal,
        won_revenue=progress.won_revenue,
        won_deals=progress.won_deals,
        deals_left_out=progress.left_out.deals,
        progress=progress.progress,
    )


@router.get("/goals", response=list[GoalOut])
def list_goals(request: ApiRequest):
    return [_goal_out(goal) for goal in s.list_goals()]


@router.post("/goals", response={201: GoalOut, **ERRORS})
def set_goal(request: ApiRequest, payload: GoalIn):
    return Status(201, _goal_out(do_set_goal(request.auth, **payload.dict())))


@router.get("/goals/plan", response={200: RewardPlanOut, **ERRORS})
def get_plan(request: ApiRequest):
    version = s.plan_in_force()
    if version is None:
        return Status(404, {"detail": "No reward plan yet"})
    return RewardPlanOut(number=version.number, created_at=version.created_at, plan=version.plan)


@router.post(
    "/goals/plan",
    response={201: RewardPlanOut, **ERRORS},
    description="A new version of the plan, in force at once. `rate`, `threshold` and an "
    "accelerator's `above` are fractions (0.05 = 5%, 1 = the goal); the split and recognition "
    "are percent, and the split must sum to 100. A plan that does not add up answers 422 with the "
    "field and the reason.",
)
def save_plan(request: ApiRequest, payload: RewardPlan):
    version = do_save_plan(request.auth, payload)
    return Status(
        201, RewardPlanOut(number=version.number, created_at=version.created_at, plan=version.plan)
    )


@router.get(
    "/goals/{goal_id}/payouts",
    response={200: PayoutsOut, **ERRORS},
    description="Payouts of the goal's period under the reward plan in force at its end.",
)
def payouts(request: ApiRequest, goal_id: int):
    goal = get_object_or_404(RevenueGoal, pk=goal_id)
    result = s.goal_payouts(goal)
    if result is None:
        detail = f"No payouts for {goal.name}: no reward plan was in force, or no rate converts "
        return Status(404, {"detail": detail + "its goal to the reporting currency"})
    rows = [
        PayoutOut(
            person_id=p.person.pk,
            person=str(p.person),
            team=str(p.person.team or ""),
            team_share=p.team_share,
            recognition=p.recognition,
            total=p.total,
        )
        for p in s.payouts_visible_to(request.auth, result)
    ]
    money = result.payouts
    return PayoutsOut(
        goal=_goal_out(goal),
        plan_number=result.plan.number,
        currency=result.progress.currency,
        pool=money.pool,
        sales=money.sales,
        marketing=money.marketing,
        recognition=money.recognition,
        payouts=rows,
    )


@router.post("/goals/ideas", response={201: IdeaOut, **ERRORS})
def record_idea(request: ApiRequest, payload: IdeaIn):
    campaign = access_campaign(request.auth, payload.campaign_id)
    person = get_object_or_404(User, pk=payload.person_id)
    idea = do_record_idea(request.auth, campaign=campaign, person=person)
    return Status(201, IdeaOut(campaign_id=idea.campaign_id, person_id=idea.person_id))
