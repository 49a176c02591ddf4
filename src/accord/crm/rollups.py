"""The funnel's rollups, kept as the data changes so the dashboard reads thousands of rows, not
millions: `StagesReached` (per person, the first moment in each funnel stage) and `FunnelCount`
(people per creation day, segment and furthest stage).

Every service that moves a person, creates one, or changes their account or their account's
region or industry calls `refresh_people` (or `refresh_accounts`) in its own transaction; bulk
writers call it with every id they touched. `rebuild` works both out again from the records:
after a restore, for an existing database (the migration that made the tables), and by the
worker each night, which also takes in what was written around the services (the admin,
deletions by hand).

Rollups of higher layers that are kept by the lead's segment (the SLA's, `accord.handoff.rollups`)
follow it with `follow_segments`: `refresh_people` tells them whose region or industry changed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import islice
from typing import TYPE_CHECKING

from django.db import connection

from accord.columns import writes
from accord.columns.vendor import greatest_sql, utc_day_sql
from accord.crm.models import (
    FUNNEL_ORDER,
    Account,
    FunnelCount,
    LifecycleChange,
    Person,
    StagesReached,
)

if TYPE_CHECKING:  # Polars is imported by the bulk writers that hand it frames, not every write
    import polars as pl

CHUNK = 5_000  # ids in one statement (SQLite binds at most 32,766 values)
REBUILD_OVER = 100_000  # people at once: rebuilding every row then costs less


_followers: list[Callable[[list[int]], None]] = []


def follow_segments(refresh: Callable[[list[int]], None]) -> None:
    """Have `refresh` called with the people whose segment `refresh_people` saw change, in the
    same transaction (an app registers it when it is ready: this layer cannot import it)."""
    if refresh not in _followers:
        _followers.append(refresh)


def stage_case(column: str) -> str:
    """SQL for the funnel position of a stage column, NULL outside the funnel."""
    whens = " ".join(f"WHEN '{stage}' THEN {index}" for index, stage in enumerate(FUNNEL_ORDER))
    return f"CASE {column} {whens} END"


def _stages_select(where: str) -> str:
    """Each person's row of `StagesReached`, worked out from the person, their account and their
    moves: the furthest funnel stage of their history or their stage now (anyone outside the
    funnel's stages still entered it: 0), and the first move into each stage."""
    person, account = Person._meta.db_table, Account._meta.db_table
    move = LifecycleChange._meta.db_table
    furthest = greatest_sql(
        f"COALESCE({stage_case('p.lifecycle_stage')}, 0)",
        f"COALESCE(MAX({stage_case('m.to_stage')}), 0)",
    )
    firsts = ", ".join(
        f"MIN(CASE WHEN m.to_stage = '{stage}' THEN m.changed_at END)" for stage in FUNNEL_ORDER
    )
    return f"""
        SELECT p.id, {utc_day_sql("p.created_at")}, COALESCE(a.region, ''),
            COALESCE(a.industry, ''), {furthest},
            {firsts}
        FROM {person} p
        LEFT JOIN {account} a ON a.id = p.account_id
        LEFT JOIN {move} m ON m.person_id = p.id
        {where}
        GROUP BY p.id, p.created_at, p.lifecycle_stage, a.region, a.industry
    """


STAGE_COLUMNS = ", ".join(
    ["person_id", "created_on", "region", "industry", "furthest"]
    + [f"s{i}" for i in range(len(FUNNEL_ORDER))]
)
COLUMNS = STAGE_COLUMNS.split(", ")
KEY = "day, region, industry, furthest"


def _plain(value):
    """Dates and times as text: SQLite hands stored ones back parsed and computed ones as text."""
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    return value.isoformat() if isinstance(value, dt.date) else value


def _row(values) -> tuple:
    return tuple(_plain(value) for value in values)


def _key(row: tuple) -> tuple:
    """A `StagesReached` row's key in `FunnelCount`: creation day, region, industry, furthest."""
    return tuple(row[1:5])


def _add_counts(cursor, delta: Counter) -> None:
    """Add `delta` to `FunnelCount`, key by key in one order (two writers never wait on each
    other crosswise). A key left at zero stays until the next rebuild; the funnel skips it."""
    table = FunnelCount._meta.db_table
    changed = sorted((key, n) for key, n in delta.items() if n)
    if changed:
        cursor.executemany(
            f"INSERT INTO {table} ({KEY}, people) VALUES (%s, %s, %s, %s, %s) "
            f"ON CONFLICT ({KEY}) DO UPDATE SET people = {table}.people + excluded.people",
            [(*key, n) for key, n in changed],
        )


_noted: ContextVar[set[int] | None] = ContextVar("people_to_refresh", default=None)


@contextmanager
def refreshed_once() -> Iterator[None]:
    """Within the block, `refresh_people` notes its people instead of working them out; they are
    worked out once, together, when the block ends without an error (the worker's batch makes,
    scores and promotes the same people in steps). A block within another joins it."""
    if _noted.get() is not None:
        yield
        return
    noted: set[int] = set()
    token = _noted.set(noted)
    try:
        yield
    finally:
        _noted.reset(token)
    refresh_people(noted)


def refresh_people(person_ids: Iterable[int]) -> None:
    """Work the rollups out again for these people (deleted ones leave them); call it in the
    transaction that changed them. Only the rows that differ are written."""
    noted = _noted.get()
    if noted is not None:
        noted.update(person_ids)
        return
    ids = sorted(set(person_ids))
    if len(ids) > REBUILD_OVER:
        rebuild()
        _tell_followers(ids)  # whose segment changed is not known: every one of them
        return
    resegmented: list[int] = []
    table = StagesReached._meta.db_table
    others = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
    chunks = iter(ids)
    with connection.cursor() as cursor:
        while chunk := list(islice(chunks, CHUNK)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {STAGE_COLUMNS} FROM {table} WHERE person_id IN ({marks})", chunk
            )
            kept = {row[0]: _row(row) for row in cursor.fetchall()}
            cursor.execute(_stages_select(f"WHERE p.id IN ({marks})"), chunk)
            now = {row[0]: (_row(row), row) for row in cursor.fetchall()}
            changed = [row for pid, (plain, row) in now.items() if kept.get(pid) != plain]
            gone = [pid for pid in kept if pid not in now]
            if changed:
                cursor.executemany(
                    f"INSERT INTO {table} ({STAGE_COLUMNS}) "
                    f"VALUES ({', '.join(['%s'] * len(COLUMNS))}) "
                    f"ON CONFLICT (person_id) DO UPDATE SET {others}",
                    changed,
                )
            if gone:
                cursor.execute(
                    f"DELETE FROM {table} WHERE person_id IN ({', '.join(['%s'] * len(gone))})",
                    gone,
                )
            resegmented += (
                pid for pid, (row, _) in now.items() if pid in kept and kept[pid][2:4] != row[2:4]
            )
            delta = Counter(_key(now[row[0]][0]) for row in changed)
            delta.subtract(_key(kept[row[0]]) for row in changed if row[0] in kept)
            delta.subtract(_key(kept[pid]) for pid in gone)
            _add_counts(cursor, delta)
    _tell_followers(resegmented)


def add_created_people(people: pl.DataFrame, moves: pl.DataFrame) -> int:
    """The rollups' rows for people just created in this transaction, worked out from the frames
    their writer holds instead of read back: `people` (id, created_at, lifecycle_stage,
    account_id) and `moves`, their whole lifecycle history (person_id, to_stage, changed_at).
    The rows are those `rebuild` makes of them, without reading the people and moves back (nor,
    past REBUILD_OVER people, working out every person again as `refresh_people` would). Nobody
    is told: a person just created has no handoffs, so no follower has a segment of theirs to
    move. Returns how many rows."""
    import polars as pl

    from accord.columns import reads

    if people.height == 0:
        return 0
    rank = {stage: i for i, stage in enumerate(FUNNEL_ORDER)}
    reached = moves.group_by("person_id").agg(
        pl.col("to_stage")
        .replace_strict(rank, default=None, return_dtype=pl.Int16)
        .max()
        .alias("moved"),
        *(
            pl.col("changed_at").filter(pl.col("to_stage") == stage).min().alias(f"s{i}")
            for i, stage in enumerate(FUNNEL_ORDER)
        ),
    )
    account_ids = people.get_column("account_id").drop_nulls().unique().sort().to_list()
    accounts = reads.read_in(
        "id",
        account_ids,
        lambda where: f"SELECT id, region, industry FROM {Account._meta.db_table} {where}",
        {"account_id": pl.Int64, "region": pl.String, "industry": pl.String},
    )
    rows = (
        people.select("id", "created_at", "lifecycle_stage", "account_id")
        .join(accounts, on="account_id", how="left")
        .join(reached, left_on="id", right_on="person_id", how="left")
        .select(
            pl.col("id").alias("person_id"),
            pl.col("created_at").dt.convert_time_zone("UTC").dt.date().alias("created_on"),
            pl.col("region").fill_null(""),
            pl.col("industry").fill_null(""),
            pl.max_horizontal(
                pl.col("lifecycle_stage").replace_strict(rank, default=0, return_dtype=pl.Int16),
                pl.col("moved").fill_null(0),
            ).alias("furthest"),
            *(f"s{i}" for i in range(len(FUNNEL_ORDER))),
        )
        .sort("person_id")
    )
    writes.insert_frame(StagesReached, rows, bulk=True)
    counts = rows.group_by("created_on", "region", "industry", "furthest").len()
    with connection.cursor() as cursor:
        _add_counts(
            cursor,
            Counter({(day.isoformat(), *rest[:-1]): rest[-1] for day, *rest in counts.iter_rows()}),
        )
    return rows.height


def _tell_followers(person_ids: list[int]) -> None:
    if person_ids:
        for refresh in _followers:
            refresh(person_ids)


def refresh_accounts(account_ids: Iterable[int]) -> None:
    """After an account's region or industry changed: its people's segment did too."""
    ids = list(set(account_ids))
    people: list[int] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        people += Person.objects.filter(account_id__in=chunk).values_list("id", flat=True)
    refresh_people(people)


def rebuild() -> int:
    """Both rollups worked out again from every person and move; returns how many people."""
    stages, counts = StagesReached._meta.db_table, FunnelCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {stages}")
        cursor.execute(f"INSERT INTO {stages} ({STAGE_COLUMNS}) " + _stages_select(""))
        cursor.execute(f"DELETE FROM {counts}")
        cursor.execute(
            f"INSERT INTO {counts} ({KEY}, people) "
            f"SELECT created_on, region, industry, furthest, COUNT(*) FROM {stages} "
            "GROUP BY created_on, region, industry, furthest"
        )
        cursor.execute(f"SELECT COUNT(*) FROM {stages}")
        return cursor.fetchone()[0]
