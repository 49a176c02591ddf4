"""Periods as reports, filters and goals read them: whole days in UTC, from the first moment of
the first day up to, not including, the first moment after the last. No Django.

Bounding by moments rather than by each row's date lets a query read a time column's index.
"""

import datetime as dt


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of `day` (midnight UTC)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def day_after(day: dt.date) -> dt.datetime:
    """The first moment after `day`: the excluded end of a period whose last day is `day`."""
    return day_start(day + dt.timedelta(days=1))
