"""Goal periods: a calendar month or quarter, named and bounded by dates (UTC days). No Django."""

import datetime as dt

MONTH, QUARTER = "month", "quarter"


def period_bounds(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month or quarter that holds `day`."""
    if kind not in (MONTH, QUARTER):
        raise ValueError(f"a goal period is a {MONTH} or a {QUARTER}, not {kind!r}")
    first_month = day.month if kind == MONTH else 3 * ((day.month - 1) // 3) + 1
    start = day.replace(month=first_month, day=1)
    months = 1 if kind == MONTH else 3
    year, month = divmod(start.month - 1 + months, 12)
    end = dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1)
    return start, end


def previous_period(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    start, _ = period_bounds(kind, day)
    return period_bounds(kind, start - dt.timedelta(days=1))


def period_name(kind: str, start: dt.date) -> str:
    if kind == MONTH:
        return start.strftime("%B %Y")
    return f"Q{(start.month - 1) // 3 + 1} {start.year}"
