"""Writes to the shared goals and rewards: goals per period, reward plan versions, campaign ideas.

Goals, plans and ideas are set by the two heads (or an admin): the goal is owned by both teams.
Refusals name the field: AccessDenied (403) for who may not, InvalidChange (422) for values that
do not make sense, PlanError (422) for a plan that does not add up.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from accord.audit.services import Action, RecordType, record_diff
from accord.crm.conversion import reporting_currency
from accord.crm.services import InvalidChange
from accord.goals.models import CampaignIdea, RevenueGoal, RewardPlanVersion
from accord.goals.periods import period_bounds
from accord.goals.plan import RewardPlan
from accord.money import check_amount
from accord.teams import access
from accord.teams.access import AccessDenied
from accord.teams.models import User
from accord.touchpoints.models import Campaign


def check_can_steer(user: User, field: str = "goal") -> None:
    """Only the heads of the two teams (and admins) set goals, plans and ideas."""
    if not access.may_steer_goals(user):
        raise AccessDenied([(field, "only the heads of the two teams may change this")])


@transaction.atomic
def do_set_goal(
    user: User, *, period: str, day: dt.date, amount: Decimal, currency: str | None = None
) -> RevenueGoal:
    """Set (or change) the goal for the month or quarter holding `day`, in `currency` (the
    reporting currency when not given)."""
    currency = currency or reporting_currency()
    check_can_steer(user)
    if period not in RevenueGoal.Period.values:
        raise InvalidChange("period", "a goal is set for a month or a quarter")
    try:
        amount = check_amount(amount)
    except ValueError as exc:
        raise InvalidChange("amount", str(exc)) from None
    if amount <= 0:
        raise InvalidChange("amount", "a goal is an amount above zero")
    if len(currency) != 3 or not currency.isalpha():
        raise InvalidChange("currency", "use a three-letter currency code such as USD")
    start, end = period_bounds(period, day)
    clash = (
        RevenueGoal.objects.select_for_update()
        .filter(starts_on__lte=end, ends_on__gte=start)
        .exclude(starts_on=start, ends_on=end)
        .first()
    )
    if clash:
        raise InvalidChange("period", f"this period overlaps the goal for {clash.name}")
    goal, _ = RevenueGoal.objects.update_or_create(
        starts_on=start,
        defaults={
            "period": period,
            "ends_on": end,
            "amount": amount,
            "currency": currency.upper(),
            "set_by": user,
        },
    )
    return goal


def _flat(plan: RewardPlan | None) -> dict[str, object]:
    if plan is None:
        return {}
    data = plan.model_dump(mode="json")
    flat: dict[str, object] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat |= {f"{key}.{inner}": v for inner, v in value.items()}
        elif isinstance(value, list):
            flat[key] = "; ".join(f"above {a['above']} ×{a['multiplier']}" for a in value)
        else:
            flat[key] = value
    return flat


@transaction.atomic
def do_save_plan(user: User, plan: RewardPlan) -> RewardPlanVersion:
    """A new version of the reward plan, in force at once; each changed term goes to the audit
    trail. The plan is checked already (`goals.plan.check_plan` raises PlanError, by field and
    reason, for one that does not add up)."""
    check_can_steer(user, "plan")
    latest = RewardPlanVersion.objects.select_for_update().first()
    number = (RewardPlanVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    version = RewardPlanVersion(number=number, created_by=user)
    version.plan = plan
    version.save()
    record_diff(
        actor=user,
        action=Action.CREATED if latest is None else Action.CHANGED,
        record_type=RecordType.REWARD_PLAN,
        record_id="shared",
        old=_flat(latest.plan if latest else None),
        new=_flat(plan),
        reason=f"reward plan v{number}",
    )
    return version


def do_record_idea(user: User, *, campaign: Campaign, person: User) -> CampaignIdea:
    """Record that `person` proposed the idea of `campaign` (once per person and campaign)."""
    check_can_steer(user, "person_id")
    if not access.takes_part(person):
        raise InvalidChange("person_id", "ideas are credited to active members of the two teams")
    idea, _ = CampaignIdea.objects.get_or_create(campaign=campaign, person=person)
    return idea
