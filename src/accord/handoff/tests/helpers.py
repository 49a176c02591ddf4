"""Shared test data for the handoff: MQLs and moments in the sales team's time zone."""

import datetime as dt
from zoneinfo import ZoneInfo

from tests.factories import PersonFactory

from accord.crm.models import LifecycleStage
from accord.handoff.selectors import InboxItem, inbox_handoffs, inbox_items
from accord.teams.models import User

NEW_YORK = ZoneInfo("America/New_York")  # the sales team's time zone in the personas


def mql(**fields):
    fields.setdefault("lifecycle_stage", LifecycleStage.MQL)
    return PersonFactory(**fields)


def new_york(*parts: int) -> dt.datetime:
    """new_york(2026, 11, 27, 16): a wall-clock moment in New York."""
    return dt.datetime(*parts, tzinfo=NEW_YORK)


def inbox_for(user: User, *, now: dt.datetime | None = None) -> list[InboxItem]:
    """The user's inbox as the page lists it, each clock's working time left as of `now`."""
    return inbox_items(inbox_handoffs(user), now=now)
