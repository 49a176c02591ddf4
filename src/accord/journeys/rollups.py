"""The attribution's rollups, kept as journeys change: the dashboard credits channels and
campaigns by adding up a row per channel (or campaign), segment and day won instead of reading
every touch (on the large demo a year is 67,000 to 200,000 such rows against 10 million touches).

Every path model but the counterfactual credits a journey on its own: a rule-based model (and
Shapley) splits the journey's conversion and value over its touches by weights of its path
alone, and an order-1 Markov chain counts the journey's transitions, which add up. So the
rollups keep, per kind of journey (a person's, an account's), label (channel or campaign),
segment (region, industry) and day the journey was won (`NOT_WON` while not won):

- `PathCredit`: per channel, the journeys that touched it and each model's credit;
- `PathTransition`: the Markov chain's counts;
- `JourneyPath`: each journey's path as counted now, to take its old share out when it changes.

The answer added up from them is the one worked out from every touch (`journey_touchpoints`,
won deals, a lookback of 90 days) at the moment they were last kept up, but for the order of
floating-point additions. The counterfactual model fits every journey at once and is not kept
here. A journey not won looks back from now: each keeps when time alone changes it next (a
touch leaves the window, a later one enters it), and is worked out again then.

`keep_up` takes in what changed since it last ran: new touches, lead moves and deals (by id),
people whose segment changed (`JourneyDirty`, from `accord.crm.rollups`), journeys whose time
came; deals edited, campaigns renamed or rates changed alter any journey, so then every journey
is worked out again and compared. `rebuild` works everything out anew (each night, and for what
was deleted or written around the services).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

import numpy as np
import polars as pl
from django.db import connection
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from accord.attribution import RULES, AttributionModel, attribute
from accord.attribution.command import BY, JourneyKind
from accord.attribution.markov import markov_from_transitions
from accord.attribution.paths import MARKERS, paths_from_code_lists
from accord.columns import reads, vendor
from accord.columns.reads import TIME
from accord.columns.writes import insert_frame
from accord.crm.conversion import reporting_currency
from accord.crm.models import (
    Account,
    ExchangeRate,
    LifecycleChange,
    LifecycleStage,
    Opportunity,
    Person,
    PipelineStage,
)
from accord.journeys.models import (
    NOT_WON,
    JourneyDirty,
    JourneyMark,
    JourneyPath,
    PathCredit,
    PathTransition,
)
from accord.journeys.selectors import labelled_journey_touches
from accord.touchpoints.models import Campaign, Touchpoint

LOOKBACK_DAYS = 90
KEEPER_LOCK = 0x4A524E  # the namespace of the advisory lock keepers of these rollups take
CHUNK = 5_000  # journeys at once (SQLite binds at most 32,766 values)
#: The models kept: every rule-based model and Shapley.
KEPT_MODELS: tuple[str, ...] = (*RULES, AttributionModel.SHAPLEY)
KEY = ("won_on", "region", "industry")
CREDIT_COLUMNS = ("journeys", *(f"{m}{part}" for m in KEPT_MODELS for part in ("", "_value")))
TRANSITION_COLUMNS = ("journeys", "conversions", "nulls", "value")
NOT_WON_TEXT = NOT_WON.isoformat()


# --- Each journey's path, from the records ---------------------------------------------------


def _segments(kind: str, ids: Sequence[int] | None) -> pl.DataFrame:
    """Each journey's region and industry, as the dashboard's segment filters read them."""
    person, account = Person._meta.db_table, Account._meta.db_table
    if kind == JourneyKind.PERSON:
        sql = (
            f"SELECT p.id, a.region, a.industry FROM {person} p "
            f"LEFT JOIN {account} a ON a.id = p.account_id"
        )
        column = "p.id"
    else:
        sql, column = f"SELECT a.id, a.region, a.industry FROM {account} a", "a.id"
    params: list = []
    if ids is not None:
        sql += f" WHERE {column} IN ({', '.join(['%s'] * len(ids))})" if ids else " WHERE 1 = 0"
        params = list(ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    schema = {"journey_id": pl.Int64, "region": pl.String, "industry": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row").with_columns(
        pl.col("region", "industry").fill_null("")
    )


def _next_touches(kind: str, ids: Sequence[int] | None, now: dt.datetime) -> pl.DataFrame:
    """Each journey's first touch after `now`: a journey not won takes it in then."""
    touch, person = Touchpoint._meta.db_table, Person._meta.db_table
    key, joins = "t.person_id", ""
    if kind == JourneyKind.ACCOUNT:
        key, joins = "p.account_id", f" JOIN {person} p ON p.id = t.person_id"
    first = vendor.moment_sql("MIN(t.occurred_at)")
    sql = f"SELECT {key}, {first} FROM {touch} t{joins} WHERE t.occurred_at > %s"
    params: list = [vendor.stored_time(now)]
    if ids is not None:
        sql += f" AND {key} IN ({', '.join(['%s'] * len(ids))})" if ids else " AND 1 = 0"
        params += list(ids)
    sql += f" AND {key} IS NOT NULL GROUP BY {key}"
    return reads.read(sql, params, {"journey_id": pl.Int64, "next_at": TIME})


def journey_paths(kind: str, ids: Sequence[int] | None, now: dt.datetime) -> pl.DataFrame:
    """Each journey's row of `JourneyPath` (and its path as columns: `channel`, `campaign`,
    `ages`, the MARKERS), worked out from its records as attribution reads them at `now`: the
    touches of `journey_touchpoints` grouped as `paths_from_touchpoints` groups them."""
    touches = labelled_journey_touches(
        labels=BY,
        conversion="won",
        lookback_days=LOOKBACK_DAYS,
        now=now,
        journey=kind,
        journey_ids=ids,
    )
    last = pl.col("occurred_at").last()
    markers = [
        ((pl.col("occurred_at") <= pl.col(f"{m}_at").first()).sum().cast(pl.Int32) - 1).alias(m)
        for m in MARKERS
    ]
    journeys = (
        touches.sort("journey_id", "occurred_at")
        .group_by("journey_id")
        .agg(
            pl.col("channel").str.strip_chars(),
            pl.col("campaign").str.strip_chars(),
            (last - pl.col("occurred_at")).dt.total_days().cast(pl.Int64).alias("ages"),
            *markers,
            pl.col("converted").max(),
            pl.col("value").max().cast(pl.Float64).fill_null(0.0),
            pl.col("won_at").first(),
            pl.col("occurred_at").min().alias("first_at"),
        )
    )
    window = dt.timedelta(days=LOOKBACK_DAYS, microseconds=1)
    journeys = journeys.join(
        _next_touches(kind, ids, now), on="journey_id", how="full", coalesce=True
    )
    leaves = pl.when(~pl.col("converted").fill_null(False)).then(pl.col("first_at") + window)
    empty = pl.lit([], dtype=pl.List(pl.String))
    journeys = journeys.with_columns(
        pl.col("channel", "campaign").fill_null(empty),
        pl.col("ages").fill_null(pl.lit([], dtype=pl.List(pl.Int64))),
        *(pl.col(m).fill_null(-1) for m in MARKERS),
        pl.col("converted").fill_null(False),
        pl.min_horizontal(leaves, pl.col("next_at")).alias("expires_at"),
    ).with_columns(
        pl.when(pl.col("converted")).then(pl.col("value")).otherwise(0.0).alias("value"),
        pl.when(pl.col("converted"))
        .then(pl.col("won_at").dt.date().cast(pl.String))
        .otherwise(pl.lit(NOT_WON_TEXT))
        .alias("won_on"),
    )
    path = pl.struct("channel", "campaign", "ages", *MARKERS).struct.json_encode()
    journeys = journeys.join(_segments(kind, ids), on="journey_id", how="left").with_columns(
        pl.col("region", "industry").fill_null(""), path.alias("path")
    )
    return journeys.select(
        "journey_id", "region", "industry", "won_on", "value", "path", "expires_at",
        "channel", "campaign", "ages", *MARKERS,
    )  # fmt: skip


def _parsed(kept: pl.DataFrame) -> pl.DataFrame:
    """Kept rows of `JourneyPath` with their path as columns again."""
    paths = [json.loads(text) for text in kept["path"]]
    return kept.with_columns(
        pl.Series("channel", [p["channel"] for p in paths], dtype=pl.List(pl.String)),
        pl.Series("campaign", [p["campaign"] for p in paths], dtype=pl.List(pl.String)),
        pl.Series("ages", [p["ages"] for p in paths], dtype=pl.List(pl.Int64)),
        *(pl.Series(m, [p[m] for p in paths], dtype=pl.Int32) for m in MARKERS),
    )


# --- What a set of journeys adds to the rollups --------------------------------------------


def _shares(journeys: pl.DataFrame, label: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What `journeys` add to `PathCredit` and `PathTransition` for `label`, by key."""
    journeys = journeys.filter(pl.col(label).list.len() > 0)
    if not len(journeys):
        return pl.DataFrame(), pl.DataFrame()
    converted = (pl.col("won_on") != NOT_WON_TEXT).cast(pl.Float64)
    journeys = journeys.with_columns(converted.alias("conversions"))
    names = np.unique(journeys[label].explode().to_numpy().astype(str))
    code = pl.element().replace_strict(names.tolist(), range(len(names)), return_dtype=pl.Int64)
    steps = journeys[label].list.eval(code).alias("steps")
    paths = paths_from_code_lists(
        tuple(names.tolist()),
        journeys.select(
            steps,
            "conversions",
            (1.0 - pl.col("conversions")).alias("nulls"),
            "value",
            "ages",
            *MARKERS,
        ),
    )
    owner = paths.path_of_touch
    touches = {
        "row": owner,
        "channel": names[paths.touches],
        "conversion": paths.conversions[owner],
        "worth": paths.value[owner],
    } | {key: journeys[key].gather(owner) for key in KEY}
    for model in RULES:
        weights = attribute(paths, model).weights
        assert weights is not None
        touches[model] = weights
    frame = pl.DataFrame(touches)  # in the order of the touches within each journey
    credited = []
    for model in RULES:
        credited += [
            (pl.col(model) * pl.col("conversion")).sum().alias(model),
            (pl.col(model) * pl.col("worth")).sum().alias(f"{model}_value"),
        ]
    by_channel = frame.group_by(*KEY, "channel").agg(
        pl.col("row").n_unique().cast(pl.Int64).alias("journeys"), *credited
    )
    # Shapley: a journey's worth split equally over the distinct channels it touched
    distinct = frame.unique(["row", "channel"]).with_columns(
        (1.0 / pl.len().over("row")).alias("share")
    )
    shapley = distinct.group_by(*KEY, "channel").agg(
        (pl.col("share") * pl.col("conversion")).sum().alias("shapley"),
        (pl.col("share") * pl.col("worth")).sum().alias("shapley_value"),
    )
    credit = by_channel.join(shapley, on=[*KEY, "channel"]).select(*KEY, "channel", *CREDIT_COLUMNS)
    # Markov: each touch entered from the one before it (or the start), each journey ended
    source = pl.col("channel").shift(1).over("row")
    moves = frame.with_columns(source.fill_null("").alias("source"))
    transitions = moves.group_by(*KEY, "source", pl.col("channel").alias("target")).agg(
        pl.len().cast(pl.Float64).alias("journeys"),
        pl.lit(0.0).alias("conversions"),
        pl.lit(0.0).alias("nulls"),
        pl.lit(0.0).alias("value"),
    )
    ends = (
        frame.group_by("row", maintain_order=True)
        .last()
        .group_by(*KEY, pl.col("channel").alias("source"))
        .agg(
            pl.lit(0.0).alias("journeys"),
            pl.col("conversion").sum().alias("conversions"),
            (1.0 - pl.col("conversion")).sum().alias("nulls"),
            pl.col("worth").sum().alias("value"),
        )
        .with_columns(pl.lit("").alias("target"))
    )
    columns = [*KEY, "source", "target", *TRANSITION_COLUMNS]
    return credit, pl.concat([transitions.select(columns), ends.select(columns)])


def _date(text: str):
    """A day as the database's driver takes it."""
    return dt.date.fromisoformat(text) if vendor.postgresql() else text


def _add(model, kind: str, label: str, delta: pl.DataFrame, key: tuple[str, ...]) -> None:
    """Add `delta` to the rollup `model`'s rows, key by key in one order (two writers never
    wait on each other crosswise). Rows added down to nothing stay until the next rebuild;
    readers skip them."""
    if not len(delta):
        return
    columns = CREDIT_COLUMNS if model is PathCredit else TRANSITION_COLUMNS
    delta = delta.group_by(*key).agg(pl.col(columns).sum()).sort(*key)
    table = model._meta.db_table
    names = ("kind", "label", *key, *columns)
    adds = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    sql = (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))}) "
        f"ON CONFLICT (kind, label, {', '.join(key)}) DO UPDATE SET {adds}"
    )
    rows = [(kind, label, _date(row[0]), *row[1:]) for row in delta.iter_rows()]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


CREDIT_KEY = (*KEY, "channel")
TRANSITION_KEY = (*KEY, "source", "target")


def _apply(kind: str, added: pl.DataFrame, taken: pl.DataFrame) -> None:
    """Add the shares of the journeys `added` and take out those of `taken`."""
    for label in BY:
        credit_in, moves_in = _shares(added, label)
        credit_out, moves_out = _shares(taken, label)
        credit = _signed(credit_in, credit_out, CREDIT_COLUMNS)
        moves = _signed(moves_in, moves_out, TRANSITION_COLUMNS)
        _add(PathCredit, kind, label, credit, CREDIT_KEY)
        _add(PathTransition, kind, label, moves, TRANSITION_KEY)


def _signed(plus: pl.DataFrame, minus: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    parts = [plus] if len(plus) else []
    if len(minus):
        parts.append(minus.with_columns(-pl.col(c) for c in columns))
    return pl.concat(parts) if parts else pl.DataFrame()


# --- Keeping them ---------------------------------------------------------------------------

PATH_FIELDS = ("journey_id", "region", "industry", "won_on", "value", "path", "expires_at")


def _kept(kind: str, ids: Sequence[int]) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT journey_id, region, industry, won_on, value, path "
            f"FROM {JourneyPath._meta.db_table} "
            f"WHERE kind = %s AND journey_id IN ({', '.join(['%s'] * len(ids))})",
            [kind, *ids],
        )
        rows = [(r[0], r[1], r[2], str(r[3]), r[4], r[5]) for r in cursor.fetchall()]
    schema = {
        "journey_id": pl.Int64,
        "region": pl.String,
        "industry": pl.String,
        "won_on": pl.String,
        "value": pl.Float64,
        "path": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def refresh(kind: str, ids: Sequence[int], now: dt.datetime) -> int:
    """Work these journeys out again at `now` and move the rollups by what changed; returns
    how many journeys changed."""
    changed = 0
    chunks = iter(sorted(set(ids)))
    while chunk := list(islice(chunks, CHUNK)):
        fresh = journey_paths(kind, chunk, now)
        kept = _kept(kind, chunk)
        compared = ["journey_id", "region", "industry", "won_on", "value", "path"]
        new = fresh.join(kept.select(compared), on=compared, how="anti")
        old = kept.join(fresh.select(compared), on=compared, how="anti")
        _apply(kind, new, _parsed(old))
        table = JourneyPath._meta.db_table
        with connection.cursor() as cursor:
            gone = old.join(fresh, on="journey_id", how="anti")["journey_id"].to_list()
            if gone:
                cursor.execute(
                    f"DELETE FROM {table} WHERE kind = %s "
                    f"AND journey_id IN ({', '.join(['%s'] * len(gone))})",
                    [kind, *gone],
                )
            _write_paths(cursor, kind, fresh)
        changed += len(new) + len(gone)
    return changed


def _write_paths(cursor, kind: str, fresh: pl.DataFrame) -> None:
    """Each journey's kept row as worked out now (its expiry may move though its path did not)."""
    if not len(fresh):
        return
    table = JourneyPath._meta.db_table
    fields = ", ".join(PATH_FIELDS)
    others = ", ".join(f"{f} = excluded.{f}" for f in PATH_FIELDS[1:])
    rows = [
        (kind, row[0], row[1], row[2], _date(row[3]), row[4], row[5], _moment(row[6]))
        for row in fresh.select(PATH_FIELDS).iter_rows()
    ]
    cursor.executemany(
        f"INSERT INTO {table} (kind, {fields}) VALUES ({', '.join(['%s'] * 8)}) "
        f"ON CONFLICT (kind, journey_id) DO UPDATE SET {others}",
        rows,
    )


def _moment(at: dt.datetime | None):
    return None if at is None else vendor.stored_time(at)


def rebuild(now: dt.datetime | None = None) -> int:
    """Every rollup worked out again from the records at `now`; returns how many journeys."""
    _take_turns()
    now = now or timezone.now()
    for model in (JourneyPath, PathCredit, PathTransition):
        model.objects.all().delete()
    journeys = 0
    for kind in JourneyKind:
        fresh = journey_paths(kind, None, now)
        journeys += len(fresh)
        for label in BY:
            credit, moves = _shares(fresh, label)
            for model, frame in ((PathCredit, credit), (PathTransition, moves)):
                if len(frame):  # days as ISO text, which both databases take
                    insert_frame(model, frame, constants={"kind": kind, "label": label})
        insert_frame(JourneyPath, fresh.select(PATH_FIELDS), constants={"kind": kind})
    mark = _mark()
    mark.last_touch, mark.last_move, mark.last_deal = _last_ids()
    mark.state, mark.kept_at, mark.stamp = _state(mark.last_deal), now, ""
    mark.save()
    JourneyDirty.objects.all().delete()
    return journeys


def _take_turns() -> None:
    """Keepers (the worker, the nightly rebuild, two panels loading at once) take turns until
    the transaction ends, even before the mark row exists: on PostgreSQL an advisory lock; on
    SQLite the mark's update below, one writer at a time."""
    with connection.cursor() as cursor:
        vendor.lock_until_commit(cursor, KEEPER_LOCK, 0)


def _mark() -> JourneyMark:
    """The one mark row, locked until the transaction ends: the first statement writes it, so
    two keepers (a worker and a panel) take turns on SQLite as on PostgreSQL."""
    _take_turns()
    JourneyMark.objects.update(kept_at=F("kept_at"))  # no change, the row locked
    mark = JourneyMark.objects.order_by("id").first()
    return mark if mark is not None else JourneyMark.objects.create()


def _last_ids() -> tuple[int, int, int]:
    return (
        Touchpoint.objects.aggregate(last=Max("id"))["last"] or 0,
        LifecycleChange.objects.aggregate(last=Max("id"))["last"] or 0,
        Opportunity.objects.aggregate(last=Max("id"))["last"] or 0,
    )


def _state(last_deal: int) -> str:
    """What changes journeys no mark tells apart: deals taken in so far being edited (stage,
    amount, currency, dates, contact or account), campaigns (their names label the journeys),
    exchange rates and the reporting currency."""
    deals = Opportunity.objects.filter(id__lte=last_deal).aggregate(
        n=Count("id"),
        won=Count("id", filter=Q(stage=PipelineStage.CLOSED_WON)),
        amount=Sum("amount"),
        closed=Max("close_date"),
        first_closed=Min("close_date"),
        created=Max("created_date"),
        first_created=Min("created_date"),
        contacts=Sum("primary_contact_id"),
        accounts=Sum("account_id"),
        currencies=Count("id", filter=Q(currency=reporting_currency())),
    )
    campaigns = list(Campaign.objects.order_by("id").values_list("id", "name"))
    rates = ExchangeRate.objects.aggregate(last=Max("id"), n=Count("id"), sum=Sum("rate"))
    state = (deals, campaigns, rates, reporting_currency())
    return hashlib.sha256(repr(state).encode()).hexdigest()


@dataclass(frozen=True)
class KeptUp:
    journeys: int  # journeys worked out again
    changed: int  # of which changed
    everything: bool  # every journey was worked out again
    kept_at: dt.datetime | None = None


def keep_up(
    now: dt.datetime | None = None, *, stamp: str = "", everything_ok: bool = True
) -> KeptUp:
    """Take in what changed since the rollups were last kept (call it in a transaction): the
    journeys of new touches, lead moves and deals, of people whose segment changed, and those
    whose time came; every journey when deals were edited, campaigns renamed or rates changed
    (only with `everything_ok`; otherwise nothing is done and `kept_at` is None). `stamp` is
    kept with the mark: the state of the data the caller saw before."""
    now = now or timezone.now()
    mark = _mark()
    last_touch, last_move, last_deal = _last_ids()
    if mark.kept_at is None or _state(mark.last_deal) != mark.state:
        if not everything_ok:
            return KeptUp(0, 0, True)
        journeys = rebuild(now)
        _stamped(stamp)
        return KeptUp(journeys, journeys, True, now)
    people = set(
        Touchpoint.objects.filter(id__gt=mark.last_touch, id__lte=last_touch).values_list(
            "person_id", flat=True
        )
    )
    people |= set(
        LifecycleChange.objects.filter(
            id__gt=mark.last_move, id__lte=last_move, to_stage=LifecycleStage.LEAD
        ).values_list("person_id", flat=True)
    )
    dirty = list(JourneyDirty.objects.values_list("id", "person_id"))
    people |= {person for _, person in dirty}
    deals = list(
        Opportunity.objects.filter(id__gt=mark.last_deal, id__lte=last_deal).values_list(
            "primary_contact_id", "account_id"
        )
    )
    people |= {contact for contact, _ in deals if contact is not None}
    accounts = {account for _, account in deals if account is not None}
    listed = sorted(people)
    for start in range(0, len(listed), CHUNK):
        chunk = listed[start : start + CHUNK]
        accounts |= set(
            Person.objects.filter(id__in=chunk, account__isnull=False).values_list(
                "account_id", flat=True
            )
        )
    expired = JourneyPath.objects.filter(expires_at__lte=now).values_list("kind", "journey_id")
    due: dict[str, set[int]] = {JourneyKind.PERSON: people, JourneyKind.ACCOUNT: accounts}
    for kind, journey in expired:
        due[kind].add(journey)
    changed = sum(refresh(kind, sorted(ids), now) for kind, ids in due.items() if ids)
    if dirty:
        JourneyDirty.objects.filter(id__in=[pk for pk, _ in dirty]).delete()
    mark.last_touch, mark.last_move, mark.last_deal = last_touch, last_move, last_deal
    mark.state = _state(last_deal)
    mark.kept_at, mark.stamp = now, stamp
    mark.save()
    return KeptUp(sum(len(ids) for ids in due.values()), changed, False, now)


def _stamped(stamp: str) -> None:
    JourneyMark.objects.update(stamp=stamp)


def mark_people(person_ids: list[int]) -> None:
    """People whose segment changed: their journeys wait for the next keep-up."""
    JourneyDirty.objects.bulk_create(JourneyDirty(person_id=pid) for pid in person_ids)


def kept_stamp() -> tuple[str, dt.datetime | None]:
    """The state of the data the rollups were last kept up for, and when."""
    mark = JourneyMark.objects.order_by("id").first()
    return ("", None) if mark is None else (mark.stamp, mark.kept_at)


# --- Reading them ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """Which journeys count: of `kind`, labelled by `label`, won from `start` to `end` (days,
    inclusive) or not won yet, in the region and industry when given."""

    kind: str
    label: str
    start: dt.date
    end: dt.date
    region: str | None = None
    industry: str | None = None

    def where(self) -> tuple[str, list]:
        sql = "kind = %s AND label = %s AND (won_on = %s OR won_on BETWEEN %s AND %s)"
        params: list = [self.kind, self.label, _day(NOT_WON), _day(self.start), _day(self.end)]
        for column, value in (("region", self.region), ("industry", self.industry)):
            if value:
                sql += f" AND {column} = %s"
                params.append(value)
        return sql, params


def _day(day: dt.date):
    return day if vendor.postgresql() else day.isoformat()


def credit_of(segment: Segment, models: Sequence[str]) -> dict[str, dict[str, float]]:
    """Revenue each of `models` (KEPT_MODELS and Markov of order 1) credits each channel or
    campaign with, over the segment's journeys, as kept: what the models give when run on
    those journeys' paths. Every name a journey touched is there (with 0 when credited
    nothing); no name at all when no journey was won."""
    where, params = segment.where()
    kept = [m for m in models if m in KEPT_MODELS]
    sums = "".join(f", SUM({m}_value)" for m in kept)
    won = "SUM(CASE WHEN won_on = %s THEN 0 ELSE journeys END)"
    moves: list[tuple] = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT channel, {won}{sums} FROM {PathCredit._meta.db_table} WHERE {where} "
            "GROUP BY channel HAVING SUM(journeys) > 0 ORDER BY channel",
            [_day(NOT_WON), *params],
        )
        credited = cursor.fetchall()
        if AttributionModel.MARKOV in models:
            cursor.execute(
                f"SELECT source, target, SUM(journeys), SUM(conversions), SUM(nulls), "
                f"SUM(value) FROM {PathTransition._meta.db_table} WHERE {where} "
                "GROUP BY source, target",
                params,
            )
            moves = cursor.fetchall()
    if not any(row[1] > 0 for row in credited):  # no journey won
        return {model: {} for model in models}
    names = [row[0] for row in credited]
    result = {
        model: {name: float(row[2 + i]) for name, row in zip(names, credited, strict=True)}
        for i, model in enumerate(kept)
    }
    if AttributionModel.MARKOV in models:
        result[AttributionModel.MARKOV] = _markov(tuple(names), moves)
    return {model: result[model] for model in models}


def _markov(names: tuple[str, ...], moves: list[tuple]) -> dict[str, float]:
    code = {name: i for i, name in enumerate(names)}
    steps = [m for m in moves if m[1] != "" and m[2] > 0.5]
    ends = [m for m in moves if m[1] == "" and m[3] + m[4] > 0.5]
    credit = markov_from_transitions(
        names,
        np.array([code[m[0]] if m[0] else -1 for m in steps], dtype=np.int64),
        np.array([code[m[1]] for m in steps], dtype=np.int64),
        np.array([m[2] for m in steps], dtype=np.float64),
        np.array([code[m[0]] for m in ends], dtype=np.int64),
        np.array([m[3] for m in ends], dtype=np.float64),
        np.array([m[4] for m in ends], dtype=np.float64),
        np.array([m[5] for m in ends], dtype=np.float64),
    )
    return dict(zip(credit.channels, credit.value.tolist(), strict=True))
