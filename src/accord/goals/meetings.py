"""The joint meeting: an agenda that builds itself from the current numbers, and the action items
both teams take away, each with an owner.

The agenda covers the days since the last meeting held before today (at most `WINDOW_DAYS`,
at least a week): SLA breaches (clocks that ran out), the top reasons Sales rejected leads, the
campaigns in flight, progress to the shared goal, and the action items still open. The weekly
digest sends the same.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.crm.services import InvalidChange
from accord.goals import access as goals_access
from accord.goals.models import ActionItem, Meeting
from accord.handoff.models import Handoff
from accord.metrics import queries as q
from accord.periods import day_after, day_start
from accord.teams import access
from accord.teams.access import AccessDenied
from accord.teams.models import User
from accord.touchpoints.models import Campaign

WEEK = 7
WINDOW_DAYS = 31
TOP_REASONS = 3
LISTED = 10


@dataclass(frozen=True)
class Agenda:
    start: dt.date
    end: dt.date
    breaches: int
    breached: list[Handoff]
    rejections: list[q.Rejection]
    campaigns: list[Campaign]
    progress: q.GoalProgress | None
    open_items: list[ActionItem]


def _window_start(today: dt.date) -> dt.date:
    last = Meeting.objects.filter(held_on__lt=today).values_list("held_on", flat=True).first()
    start = last if last is not None else today - dt.timedelta(days=WEEK)
    start = min(start, today - dt.timedelta(days=WEEK))
    return max(start, today - dt.timedelta(days=WINDOW_DAYS))


def _breaches(start: dt.date, end: dt.date):
    """Handoffs with a clock that ran out in the period: first touch (a decision counts as one)
    or decision made late, or not made by now. Reassigned handoffs are counted once, under the
    rep who has the lead now."""
    now = timezone.now()
    since = day_start(start)
    until = min(day_after(end), now)
    handoffs = Handoff.objects.exclude(status=Handoff.Status.REASSIGNED).annotate(
        touched=Coalesce("first_touched_at", "decided_at", Value(now)),
        decided=Coalesce("decided_at", Value(now)),
    )
    first_touch = Q(
        first_touch_due_at__gte=since,
        first_touch_due_at__lt=until,
        touched__gt=F("first_touch_due_at"),
    )
    decision = Q(
        decision_due_at__gte=since, decision_due_at__lt=until, decided__gt=F("decision_due_at")
    )
    return handoffs.filter(first_touch | decision).select_related("person", "assigned_to")


def campaigns_in_flight(today: dt.date) -> list[Campaign]:
    """Campaigns running today: active, or planned with today between their dates."""
    dated = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
    running = Q(status=Campaign.Status.ACTIVE) | (Q(status=Campaign.Status.PLANNED) & dated)
    return list(Campaign.objects.filter(running).order_by("end_date", "name"))


def open_action_items():
    return ActionItem.objects.filter(done_at__isnull=True).select_related("owner", "meeting")


def build_agenda(today: dt.date | None = None) -> Agenda:
    today = today or timezone.localdate()
    start = _window_start(today)
    breaches = _breaches(start, today)
    leakage = q.run_leakage(q.LeakageQuery(start=start, end=today))
    return Agenda(
        start=start,
        end=today,
        breaches=breaches.count(),
        breached=list(breaches.order_by("-handed_off_at")[:LISTED]),
        rejections=leakage.rejections[:TOP_REASONS],
        campaigns=campaigns_in_flight(today),
        progress=q.run_goal_progress(q.GoalProgressQuery(day=today)),
        open_items=list(open_action_items()),
    )


def check_can_run_meetings(user: User) -> None:
    if not access.may_run_joint_meeting(user):
        raise AccessDenied([("meeting", "the heads and the liaisons run the joint meeting")])


def do_record_meeting(user: User, *, held_on: dt.date, title: str, notes: str = "") -> Meeting:
    check_can_run_meetings(user)
    title = title.strip()
    if not title:
        raise InvalidChange("title", "a meeting needs a title")
    return Meeting.objects.create(held_on=held_on, title=title, notes=notes, created_by=user)


def do_add_action_item(
    user: User, meeting: Meeting, *, text: str, owner: User, due_on: dt.date | None = None
) -> ActionItem:
    check_can_run_meetings(user)
    text = text.strip()
    if not text:
        raise InvalidChange("text", "say what is to be done")
    if not access.takes_part(owner):
        raise InvalidChange("owner", "an action item belongs to an active member of the teams")
    if due_on is not None and due_on < meeting.held_on:
        raise InvalidChange("due_on", "the item is due before the meeting was held")
    return ActionItem.objects.create(meeting=meeting, text=text, owner=owner, due_on=due_on)


@transaction.atomic
def do_complete_action_item(user: User, item: ActionItem) -> ActionItem:
    """Its owner (or a head, a liaison, an admin) marks an item done; done once."""
    if not goals_access.may_complete_action_item(user, item):
        raise AccessDenied([("meeting", "the heads and the liaisons run the joint meeting")])
    updated = ActionItem.objects.filter(pk=item.pk, done_at__isnull=True).update(
        done_at=timezone.now()
    )
    item.refresh_from_db(fields=["done_at"])
    if not updated:
        raise InvalidChange("done", "this item is already done")
    return item
