"""What needs each person today, at the top of the home page: a rep's leads waiting and clocks
running out; a head's drafts and plans awaiting their signature, breaches, the pool and the
goal; marketing's leads sales rejected this week and sales' ratings of their campaigns; an
admin's failing health checks.

Each line is a count and the page where it is dealt with; reads of several domains meet here,
in the layer above them."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accord.agreement.models import AgreementVersion
from accord.goals.selectors import goal_on, goal_progress
from accord.handoff.models import Handoff
from accord.handoff.selectors import count_pool, handoffs_for, open_handoffs_for
from accord.planning.models import CampaignPlan, CampaignRating
from accord.teams import access
from accord.teams.models import Team
from accord.touchpoints.models import Campaign
from accord.web.health import system_checks

SOON = dt.timedelta(hours=24)
WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Need:
    key: str
    label: str
    value: str
    url: str
    urgent: bool = False


def needs_of(user, now: dt.datetime | None = None) -> list[Need]:
    """The lines of the user's "today", in the order they are dealt with."""
    now = now or timezone.now()
    needs = []
    if user.team_kind == Team.Kind.SALES:
        needs += _inbox(user, now)
    if access.may_pick_team_reps(user):
        needs += _sales_head(user, now)
    if team := access.signing_team(user):
        needs += _signatures(team)
    if user.team_kind == Team.Kind.MARKETING:
        needs += _marketing(user, now)
    if user.is_head:
        needs += _goal(now)
    if access.may_read_system_health(user):
        needs += _admin()
    return needs


def _clock(now: dt.datetime, until: dt.datetime | None = None) -> Q:
    """Open clocks due before `until` (and after now), or already due when `until` is None."""
    untouched = Q(first_touched_at__isnull=True)
    undecided = Q(status=Handoff.Status.ASSIGNED)
    if until is None:
        return (untouched & Q(first_touch_due_at__lt=now)) | (
            undecided & Q(decision_due_at__lt=now)
        )
    touch = Q(first_touch_due_at__gte=now, first_touch_due_at__lt=until)
    decide = Q(decision_due_at__gte=now, decision_due_at__lt=until)
    return (untouched & touch) | (undecided & decide)


def _inbox(user, now) -> list[Need]:
    counts = open_handoffs_for(user).aggregate(
        waiting=Count("pk", filter=Q(status=Handoff.Status.ASSIGNED)),
        soon=Count("pk", filter=_clock(now, now + SOON)),
        overdue=Count("pk", filter=_clock(now)),
    )
    inbox = reverse("handoff:inbox")
    waiting, soon, overdue = counts["waiting"], counts["soon"], counts["overdue"]
    return [
        Need("waiting", "Leads waiting for a decision", f"{waiting:,}", inbox),
        Need("due-soon", "Clocks running out in the next 24 hours", f"{soon:,}", inbox, soon > 0),
        Need("overdue", "Clocks overdue", f"{overdue:,}", inbox, overdue > 0),
    ]


def _sales_head(user, now) -> list[Need]:
    breached = Q(first_touch_breached_at__gte=now - WEEK) | Q(decision_breached_at__gte=now - WEEK)
    breaches = handoffs_for(user).filter(breached).count()
    pool, more = count_pool()
    waiting = f"more than {pool:,}" if more else f"{pool:,}"
    return [
        Need("breaches", "SLA breaches this week", f"{breaches:,}", reverse("metrics:feedback")),
        Need("pool", "MQLs waiting in the pool", waiting, reverse("handoff:inbox"), pool > 0),
    ]


def _admin() -> list[Need]:
    failing = sum(not check.ok for check in system_checks())
    return [
        Need("health", "Health checks failing", f"{failing:,}", reverse("web:health"), failing > 0)
    ]


def _signatures(team: str) -> list[Need]:
    drafts = (
        AgreementVersion.objects.filter(status=AgreementVersion.Status.DRAFT)
        .exclude(signatures__team_kind=team)
        .count()
    )
    plans = CampaignPlan.objects.filter(
        **{f"{team}_signed_at__isnull": True}, campaign__status=Campaign.Status.PLANNED
    ).count()
    return [
        Need(
            "drafts",
            "Agreement drafts awaiting your signature",
            f"{drafts:,}",
            reverse("agreement:index"),
            drafts > 0,
        ),
        Need(
            "plans",
            "Campaign plans awaiting your signature",
            f"{plans:,}",
            reverse("planning:campaigns"),
            plans > 0,
        ),
    ]


def _marketing(user, now) -> list[Need]:
    ours = Q(campaign__owner_team_id=user.team_id)
    rejected = (
        Handoff.objects.filter(status=Handoff.Status.REJECTED, decided_at__gte=now - WEEK)
        .filter(person__touchpoints__campaign__owner_team_id=user.team_id)
        .values("pk")
        .distinct()
        .count()
    )
    ratings = CampaignRating.objects.filter(ours, rated_at__gte=now - WEEK)
    rated, useful = ratings.count(), ratings.filter(useful=True).count()
    return [
        Need(
            "rejected",
            "Leads of your team's campaigns sales rejected this week",
            f"{rejected:,}",
            reverse("metrics:feedback"),
            rejected > 0,
        ),
        Need(
            "ratings",
            "Sales' ratings of your team's campaigns this week",
            f"{useful:,} of {rated:,} useful" if rated else "none yet",
            reverse("planning:campaigns"),
        ),
    ]


def _goal(now) -> list[Need]:
    goal = goal_on(timezone.localdate(now))
    if goal is None:
        return [Need("goal", "The shared revenue goal", "none set", reverse("goals:index"))]
    progress = goal_progress(goal).progress
    value = "no amount" if progress is None else f"{progress:.0%} reached"
    return [Need("goal", f"The goal: {goal.name}", value, reverse("goals:index"))]
