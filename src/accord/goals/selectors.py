"""Reads of the shared goals and rewards that the pages, the API, the meeting and the digest share.

Progress to a goal is the metrics query layer's `goal_progress`; revenue credited to a
campaign is `accord.metrics.credit.run_campaign_roi` under the plan's attribution model.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from accord.goals.models import CampaignIdea, RevenueGoal, RewardPlanVersion
from accord.goals.rewards import Payout, Payouts, compute_payouts
from accord.metrics import credit
from accord.metrics import queries as q
from accord.periods import day_after
from accord.teams.access import may_see_pay_of
from accord.teams.models import Team, User


def list_goals() -> QuerySet[RevenueGoal]:
    return RevenueGoal.objects.all()


def goal_on(day: dt.date) -> RevenueGoal | None:
    """The goal whose period holds `day`."""
    return RevenueGoal.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


def goal_progress(goal: RevenueGoal) -> q.GoalProgress:
    return q.goal_progress(goal)


def plan_in_force(on: dt.date | None = None) -> RewardPlanVersion | None:
    """The version of the reward plan in force now or, given `on`, at the end of that day (UTC):
    the latest saved by then."""
    versions = RewardPlanVersion.objects.select_related("created_by")
    if on is not None:
        versions = versions.filter(created_at__lt=day_after(on))
    return versions.first()


def team_members(kind: str) -> list[User]:
    """Active members of a team in the order leftover cents follow: by name, then e-mail."""
    members = User.objects.filter(team__kind=kind, is_active=True).select_related("team")
    return sorted(members, key=lambda user: (user.full_name or user.email, user.email))


def idea_credit(goal: RevenueGoal, model: str) -> dict[User, Decimal]:
    """Won revenue in the goal's period credited (by `model`) to the campaigns each person
    proposed; a campaign proposed by several people shares its credit equally among them."""
    roi = credit.run_campaign_roi(
        credit.CampaignRoiQuery(start=goal.starts_on, end=goal.ends_on, model=model)
    )
    credited = {row.campaign: row.attributed_revenue for row in roi if row.attributed_revenue}
    proposers = defaultdict(list)
    ideas = CampaignIdea.objects.filter(campaign__name__in=credited).select_related(
        "campaign", "person"
    )
    for idea in ideas:
        proposers[idea.campaign.name].append(idea.person)
    shares: dict[User, Decimal] = defaultdict(Decimal)
    for name, people in proposers.items():
        for person in people:
            shares[person] += credited[name] / len(people)
    return dict(shares)


@dataclass(frozen=True)
class GoalPayouts:
    goal: RevenueGoal
    progress: q.GoalProgress
    plan: RewardPlanVersion
    payouts: Payouts


def goal_payouts(goal: RevenueGoal) -> GoalPayouts | None:
    """Payouts for a goal's period under the plan in force at its end, so a plan saved later
    never changes what an earlier period paid; in the reporting currency. None when no plan was
    in force by then, or the goal has no rate to the reporting currency."""
    version = plan_in_force(on=goal.ends_on)
    progress = goal_progress(goal)
    if version is None or progress.goal is None:
        return None
    plan = version.plan
    payouts = compute_payouts(
        won=progress.won_revenue,
        goal=progress.goal,
        plan=plan,
        sales_members=team_members(Team.Kind.SALES),
        marketing_members=team_members(Team.Kind.MARKETING),
        idea_credit=idea_credit(goal, plan.recognition.model) if plan.recognition.share else {},
    )
    return GoalPayouts(goal=goal, progress=progress, plan=version, payouts=payouts)


def payouts_visible_to(viewer: User, result: GoalPayouts) -> list[Payout[User]]:
    """The payouts `viewer` may see: their own; a head their team's; an admin everybody's."""
    people = team_members(Team.Kind.SALES) + team_members(Team.Kind.MARKETING)
    people += [p for p in result.payouts.people if p not in people]
    return [result.payouts.of(p) for p in people if may_see_pay_of(viewer, p)]
