"""Shared test data for the handoff: MQLs and moments in the sales team's time zone."""

import datetime as dt
from zoneinfo import ZoneInfo

from tests.factories import PersonFactory

from accord.crm.models import LifecycleStage

NEW_YORK = ZoneInfo("America/New_York")  # the sales team's time zone in the personas


def mql(**fields):
    fields.setdefault("lifecycle_stage", LifecycleStage.MQL)
    return PersonFactory(**fields)


def new_york(*parts: int) -> dt.datetime:
    """new_york(2026, 11, 27, 16): a wall-clock moment in New York."""
    return dt.datetime(*parts, tzinfo=NEW_YORK)
