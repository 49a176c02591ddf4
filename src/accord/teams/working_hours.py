"""Working-time arithmetic for SLA clocks: a team's hours, days, holidays and time zone.

Pure Python (no Django), so deadlines can be computed anywhere. Every datetime in and out
is timezone-aware; results are in UTC.
"""

import datetime as dt
from collections.abc import Container
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = dt.UTC
_MAX_DAYS_SCANNED = 3660  # ten years of calendar days: a calendar with no working days fails loudly


@dataclass(frozen=True)
class WorkingCalendar:
    time_zone: str
    day_start: dt.time
    day_end: dt.time
    working_days: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO weekdays, Monday is 1
    holidays: Container[dt.date] = field(default_factory=frozenset)

    def __post_init__(self):
        if self.day_end <= self.day_start:
            raise ValueError("The working day must end after it starts")
        if not self.working_days or not set(self.working_days) <= set(range(1, 8)):
            raise ValueError("Working days are ISO weekdays 1 (Monday) to 7 (Sunday), at least one")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def day_length(self) -> dt.timedelta:
        return _combine(dt.date(2000, 1, 3), self.day_end, UTC) - _combine(
            dt.date(2000, 1, 3), self.day_start, UTC
        )

    def is_working_day(self, day: dt.date) -> bool:
        return day.isoweekday() in self.working_days and day not in self.holidays

    def _windows_from(self, moment: dt.datetime):
        """Working windows (start, end), local time, from `moment` on; the first one clipped."""
        local = _aware(moment).astimezone(self.zone)
        day = local.date()
        for _ in range(_MAX_DAYS_SCANNED):
            if self.is_working_day(day):
                start = _combine(day, self.day_start, self.zone)
                end = _combine(day, self.day_end, self.zone)
                if local < end:
                    yield max(start, local), end
            day += dt.timedelta(days=1)
        raise ValueError("No working time found within ten years: check the working days")

    def add(self, moment: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment when `duration` of working time has passed since `moment`."""
        if duration < dt.timedelta(0):
            raise ValueError("A duration of working time cannot be negative")
        remaining = duration
        for start, end in self._windows_from(moment):
            available = _elapsed(start, end)
            if remaining <= available:
                return (start.astimezone(UTC) + remaining).astimezone(UTC)
            remaining -= available
        raise AssertionError("unreachable")  # _windows_from raises first

    def add_hours(self, moment: dt.datetime, hours: float) -> dt.datetime:
        return self.add(moment, dt.timedelta(hours=hours))

    def add_days(self, moment: dt.datetime, days: float) -> dt.datetime:
        """`days` full working days of time (each as long as one working day)."""
        return self.add(moment, self.day_length * days)

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time between two moments (negative when `end` comes first)."""
        start, end = _aware(start), _aware(end)
        if end < start:
            return -self.between(end, start)
        total = dt.timedelta(0)
        for window_start, window_end in self._windows_from(start):
            if window_start >= end:
                break
            total += _elapsed(window_start, min(window_end, end.astimezone(self.zone)))
        return total


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("Working-time arithmetic needs timezone-aware datetimes")
    return moment


def _combine(day: dt.date, time: dt.time, zone) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=zone)


def _elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Real time between two local moments (correct across a DST change)."""
    return end.astimezone(UTC) - start.astimezone(UTC)
