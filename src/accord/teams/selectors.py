"""Reads about teams shared by the handoff clocks, pages and reports."""

import datetime as dt

import holidays as public_holidays

from accord.teams.models import Team, User
from accord.teams.working_hours import WorkingCalendar


class _TeamDaysOff:
    """Public holidays of the team's country plus the team's own days off."""

    def __init__(self, country: str, own_days: set[dt.date]):
        self._public = public_holidays.country_holidays(country) if country else None
        self._own = own_days

    def __contains__(self, day: object) -> bool:
        return day in self._own or (self._public is not None and day in self._public)


def get_working_calendar(team: Team) -> WorkingCalendar:
    return WorkingCalendar(
        time_zone=team.time_zone,
        day_start=team.workday_start,
        day_end=team.workday_end,
        working_days=frozenset(int(d) for d in team.working_days),
        holidays=_TeamDaysOff(
            team.holiday_country.upper(), set(team.holidays.values_list("date", flat=True))
        ),
    )


def signing_heads(*, excluding: User | None = None) -> list[User]:
    """The active heads of marketing and sales, who sign the agreement and campaign plans."""
    heads = User.objects.filter(
        role=User.Role.HEAD, team__kind__in=Team.Kind.values, is_active=True
    ).order_by("pk")
    if excluding is not None:
        heads = heads.exclude(pk=excluding.pk)
    return list(heads)
