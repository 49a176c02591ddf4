"""The SLA's rollup, kept as handoffs change so the SLA panels read a row per day and segment,
not every handoff: `SlaDay` (per day handed off, UTC, and region and industry of the lead's
account, the handoffs that count and how many met each clock).

Every service that makes a handoff or changes what counts of it (routing, one lead or a batch;
the first touch, accept, reject, convert; a reassignment by a head or after a missed first touch)
calls `refresh_days` with the moments its handoffs were made, in its own transaction: the day's
rows are worked out again from that day's handoffs, a few hundred rows on the large demo. A lead
whose segment changes reaches it through `accord.crm.rollups.follow_segments` (the crm layer
keeps segments and cannot import this). A breach changes nothing kept here: whether a clock
still runs depends on the time, not on a write, so the panels read the running clocks from the
handoffs themselves (the few whose deadline is ahead, by the partial indexes on the deadlines).
`rebuild` works the rollup out again from the records: the migration that made the table, the
demo, `accord rollups --rebuild` and the worker each night (which takes in what was written
around the services, such as a lead deleted by hand).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from accord.columns.vendor import lock_until_commit, utc_day_sql
from accord.crm.models import Account, Person
from accord.handoff.models import Handoff, SlaDay

CHUNK = 5_000  # ids in one statement (SQLite binds at most 32,766 values)
REBUILD_OVER = 366  # days at once: rebuilding every row then costs less
DAY_LOCKS = 0x534C41  # the namespace of the advisory locks, one per day, that refreshers take
COLUMNS = "day, region, industry, handoffs, touched, decided"


def _sla_select(where: str) -> str:
    """`SlaDay` rows worked out from the handoffs (those `where` says), as the SLA counts them:
    a reassigned handoff is passed on and its clocks counted in the one that took it over."""
    handoff, person = Handoff._meta.db_table, Person._meta.db_table
    account = Account._meta.db_table
    return f"""
        SELECT {utc_day_sql("h.handed_off_at")}, COALESCE(a.region, ''),
            COALESCE(a.industry, ''), COUNT(*),
            SUM(CASE WHEN h.first_touched_at <= h.first_touch_due_at THEN 1 ELSE 0 END),
            SUM(CASE WHEN h.decided_at <= h.decision_due_at THEN 1 ELSE 0 END)
        FROM {handoff} h
        JOIN {person} p ON p.id = h.person_id
        LEFT JOIN {account} a ON a.id = p.account_id
        WHERE h.status <> '{Handoff.Status.REASSIGNED}'{where}
        GROUP BY 1, 2, 3
    """


def _utc_day(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).date()
    return moment


def _param(day: dt.date):
    moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return connection.ops.adapt_datetimefield_value(moment)


def refresh_days(moments: Iterable[dt.datetime | dt.date]) -> None:
    """Work the rollup out again for the days (UTC) of these moments handoffs were made; call
    it in the transaction that changed the handoffs, after the change (and after the funnel's
    rollups, so two writers take their locks in one order).

    On PostgreSQL a writer holds the day's advisory lock until it commits: the next one to
    work the day out then reads the rows and handoffs it committed, so no row a writer made
    for a segment the other emptied is left behind (SQLite runs one writer at a time)."""
    days = sorted({_utc_day(moment) for moment in moments})
    if len(days) > REBUILD_OVER:
        rebuild()
        return
    table = SlaDay._meta.db_table
    select = _sla_select(" AND h.handed_off_at >= %s AND h.handed_off_at < %s")
    with connection.cursor() as cursor:
        for day in days:  # in one order: two writers never wait on each other crosswise
            lock_until_commit(cursor, DAY_LOCKS, day.toordinal())
            cursor.execute(f"DELETE FROM {table} WHERE day = %s", [day.isoformat()])
            cursor.execute(
                f"INSERT INTO {table} ({COLUMNS}) {select}",
                [_param(day), _param(day + dt.timedelta(days=1))],
            )


def refresh_people(person_ids: Iterable[int]) -> None:
    """After these leads' segment changed: the days of their handoffs."""
    ids = sorted(set(person_ids))
    days: set[dt.datetime] = set()
    for start in range(0, len(ids), CHUNK):
        handoffs = Handoff.objects.filter(person_id__in=ids[start : start + CHUNK])
        days.update(handoffs.values_list("handed_off_at", flat=True).distinct())
    refresh_days(days)


def rebuild() -> int:
    """The rollup worked out again from every handoff; returns how many handoffs count."""
    table = SlaDay._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({COLUMNS}) " + _sla_select(""))
        cursor.execute(f"SELECT COALESCE(SUM(handoffs), 0) FROM {table}")
        return cursor.fetchone()[0]
