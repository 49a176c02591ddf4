"""Reads the inbox pages, the API and the SLA reports share."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from accord.crm.models import LifecycleChange, LifecycleStage
from accord.handoff.models import Handoff
from accord.teams.models import User
from accord.teams.selectors import get_working_calendar


def open_handoffs_for(user: User) -> QuerySet[Handoff]:
    """A rep's own open handoffs; a head's whole team; an admin's everything."""
    handoffs = Handoff.objects.filter(status__in=Handoff.OPEN).select_related(
        "person", "person__account", "assigned_to", "team", "rule"
    )
    if user.is_admin:
        return handoffs
    if user.is_head:
        return handoffs.filter(team_id=user.team_id)
    return handoffs.filter(assigned_to=user)


@dataclass(frozen=True)
class InboxItem:
    """One lead in an inbox with its clocks: working time left (negative when overdue), None
    once that clock has stopped."""

    handoff: Handoff
    first_touch_left: dt.timedelta | None
    decision_left: dt.timedelta | None

    @property
    def is_overdue(self) -> bool:
        return any(left is not None and left < dt.timedelta(0) for left in self._clocks)

    @property
    def _clocks(self):
        return (self.first_touch_left, self.decision_left)


def inbox_for(user: User, *, now: dt.datetime | None = None) -> list[InboxItem]:
    """The open leads `user` sees, most urgent deadline first, with working time left on each
    clock in the team's hours and time zone."""
    now = now or timezone.now()
    calendars = {}
    items = []
    for handoff in open_handoffs_for(user).order_by("decision_due_at", "id"):
        if handoff.team_id not in calendars:
            calendars[handoff.team_id] = get_working_calendar(handoff.team)
        calendar = calendars[handoff.team_id]
        first_touch = None
        if handoff.first_touched_at is None:
            first_touch = calendar.between(now, handoff.first_touch_due_at)
        decision = None
        if handoff.decided_at is None:
            decision = calendar.between(now, handoff.decision_due_at)
        items.append(InboxItem(handoff, first_touch, decision))
    return items


@dataclass(frozen=True)
class MqlDelivery:
    """Marketing's side of the SLA for one month: MQLs delivered against the commitment."""

    month: dt.date
    delivered: int
    commitment: int

    @property
    def met(self) -> bool:
        return self.delivered >= self.commitment

    @property
    def shortfall(self) -> int:
        return max(self.commitment - self.delivered, 0)


def mqls_delivered(month: dt.date, commitment: int, *, time_zone: str = "UTC") -> MqlDelivery:
    """People who became an MQL in the calendar month of `month` (in `time_zone`), each counted
    once even if recycled and requalified within the month."""
    if commitment < 0:
        raise ValueError("A monthly MQL commitment cannot be negative")
    zone = ZoneInfo(time_zone)
    first = month.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(after, dt.time(), tzinfo=zone)
    delivered = (
        LifecycleChange.objects.filter(
            to_stage=LifecycleStage.MQL, changed_at__gte=start, changed_at__lt=end
        )
        .values("person_id")
        .distinct()
        .count()
    )
    return MqlDelivery(first, delivered, commitment)
