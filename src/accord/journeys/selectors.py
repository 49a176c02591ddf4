"""Journeys from the shared database, as the columns the attribution engine reads.

A journey is a person's touches, or (`journey="account"`, for B2B) the touches of every person
of an account; people with no account are in no account journey. A person's journey converts at
the conversion event of the first opportunity on which the person is the primary contact (when
it was created, or when the first such opportunity was won), an account's at that of the
account's first opportunity, worth that opportunity's amount; only touches up to that moment and
within the lookback window before it count. A journey that has not converted looks back from
now. Its lead moment is the person's first move into the lead stage (or their creation), for an
account the earliest of its people's. Its segment is its account's industry and size, which the
counterfactual model adjusts for.

Everything is read as columns with one SQL statement per table (`accord.columns`), never as
model instances: the large demo has ten million touches.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import polars as pl
from django.db.models import FloatField, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from accord.attribution.command import BY, CONVERSIONS, JOURNEYS
from accord.attribution.paths import UNKNOWN_SEGMENT
from accord.columns import reads
from accord.columns.reads import TIME
from accord.columns.vendor import moment_sql
from accord.crm.conversion import with_reported_value
from accord.crm.models import (
    Account,
    LifecycleChange,
    LifecycleStage,
    Opportunity,
    Person,
    PipelineStage,
)
from accord.touchpoints.models import Campaign, Touchpoint

if TYPE_CHECKING:  # what a chain of when/then is, as the segments build one
    from polars.expr.whenthen import ChainedThen, Then

NO_CAMPAIGN = "(no campaign)"


def _read(
    sql: str, schema: reads.Schema, params: Sequence[object] = (), *, whole: bool = True
) -> pl.DataFrame:
    """A table's rows as columns: moments selected with `moment_sql`, dates as text."""
    return reads.read(sql, params, schema, whole=whole)


def _among(column: str, ids: Sequence[int] | None) -> tuple[str, list[int]]:
    """A condition keeping the rows whose `column` is one of `ids` (every row when None)."""
    if ids is None:
        return "1 = 1", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})" if ids else "1 = 0", list(ids)


def _touches(labels: tuple[str, ...], journey: str, ids: Sequence[int] | None) -> pl.DataFrame:
    """Every touch with its journey, moment and each of `labels` ("channel", "campaign")."""
    touch, person = Touchpoint._meta.db_table, Person._meta.db_table
    columns, joins = {"channel": "t.channel", "campaign": "c.name"}, ""
    if "campaign" in labels:
        joins += f" LEFT JOIN {Campaign._meta.db_table} c ON c.id = t.campaign_id"
    key = "t.person_id"
    if journey == "account":
        key = "p.account_id"
        joins += f" JOIN {person} p ON p.id = t.person_id AND p.account_id IS NOT NULL"
    among, params = _among(key, ids)
    read = ", ".join(columns[label] for label in labels)
    sql = f"SELECT {key}, {moment_sql('t.occurred_at')}, {read} FROM {touch} t{joins}"
    sql += f" WHERE {among}"
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "journey_id": pl.Int64,
        "occurred_at": TIME,
    }
    schema |= dict.fromkeys(labels, pl.String)
    frame = _read(sql, schema, params, whole=ids is None)
    if "campaign" in labels:
        frame = frame.with_columns(pl.col("campaign").fill_null(NO_CAMPAIGN))
    return frame


def _end_of(day: pl.Expr) -> pl.Expr:
    """Opportunities carry dates; a touch on that day still counts."""
    end = day.cast(pl.Datetime("us")) + pl.duration(days=1) - pl.duration(microseconds=1)
    return end.dt.replace_time_zone("UTC")


def _opportunity_dates(journey: str, ids: Sequence[int] | None) -> pl.DataFrame:
    """Each journey's first deal (when created, worth what) and first won deal, worth its amount
    in the reporting currency (`accord.crm.conversion`): null without a rate, and such a journey
    is left out of the credit."""
    key = "primary_contact_id" if journey == "person" else "account_id"
    opportunities = Opportunity.objects.filter(**{f"{key}__isnull": False})
    if ids is not None:
        opportunities = opportunities.filter(**{f"{key}__in": ids})
    reported = with_reported_value(
        opportunities,
        amount="amount",
        currency="currency",
        day="close_date",
    )
    # dates as text and amounts as floats, so no driver parses them one by one
    columns = reported.annotate(
        created_on=Cast("created_date", TextField()),
        closed_on=Cast("close_date", TextField()),
        as_set=Cast("amount", FloatField()),
        value=Cast("reported", FloatField()),
    )
    sql, params = (
        columns.values_list("id", key, "created_on", "closed_on", "stage", "as_set", "value")
        .order_by()
        .query.sql_with_params()
    )
    schema = {
        "id": pl.Int64,
        "journey_id": pl.Int64,
        "created_date": pl.Date,
        "close_date": pl.Date,
        "stage": pl.String,
        "amount_as_set": pl.Float64,
        "amount": pl.Float64,
    }
    deals = _read(sql, schema, params, whole=ids is None).with_columns(
        (pl.col("amount").is_null() & pl.col("amount_as_set").is_not_null()).alias("left_out"),
        pl.col("amount").fill_null(0.0),
    )
    created = _first_deal(deals, "created_date", ("created_date", "id"), "opportunity")
    won = deals.filter(
        (pl.col("stage") == PipelineStage.CLOSED_WON.value) & pl.col("close_date").is_not_null()
    )
    won = _first_deal(won, "close_date", ("close_date", "created_date", "id"), "won")
    return created.join(won, on="journey_id", how="left").with_columns(
        pl.col("won_value").fill_null(0.0), pl.col("won_left_out").fill_null(False)
    )


def _first_deal(deals: pl.DataFrame, dated: str, order: tuple[str, ...], name: str) -> pl.DataFrame:
    """Each journey's first deal in `order`: its day's end as `{name}_at`, its value and
    whether its amount was left out (no rate to the reporting currency)."""
    return (
        deals.sort(*order)
        .group_by("journey_id", maintain_order=True)
        .first()
        .select(
            "journey_id",
            _end_of(pl.col(dated)).alias(f"{name}_at"),
            pl.col("amount").alias(f"{name}_value"),
            pl.col("left_out").alias(f"{name}_left_out"),
        )
    )


def _lead_dates(journey: str, ids: Sequence[int] | None) -> pl.DataFrame:
    """When each person became a lead: their first move into the lead stage, or their creation;
    an account, when the first of its people did."""
    person = Person._meta.db_table
    among, params = _among("id" if journey == "person" else "account_id", ids)
    whose = "1 = 1" if ids is None else f"person_id IN (SELECT id FROM {person} WHERE {among})"
    moves = _read(
        f"SELECT person_id, {moment_sql('changed_at')} FROM {LifecycleChange._meta.db_table} "
        f"WHERE to_stage = '{LifecycleStage.LEAD.value}' AND {whose}",
        {"person_id": pl.Int64, "moved_at": TIME},
        params if ids is not None else (),
        whole=ids is None,
    )
    people = _read(
        f"SELECT id, account_id, {moment_sql('created_at')} FROM {person} WHERE {among}",
        {"person_id": pl.Int64, "account_id": pl.Int64, "created_at": TIME},
        params,
        whole=ids is None,
    )
    first = moves.group_by("person_id").agg(pl.col("moved_at").min())
    people = people.join(first, on="person_id", how="left").with_columns(
        pl.coalesce("moved_at", "created_at").alias("lead_at")
    )
    if journey == "person":
        return people.select(pl.col("person_id").alias("journey_id"), "lead_at")
    return (
        people.filter(pl.col("account_id").is_not_null())
        .group_by(pl.col("account_id").alias("journey_id"))
        .agg(pl.col("lead_at").min())
    )


#: Company sizes a segment tells apart, by employees: (up to, name).
SIZES = ((199, "under 200 employees"), (999, "200 to 999 employees"))
LARGEST = "1,000 employees or more"


def _segments(journey: str, ids: Sequence[int] | None) -> pl.DataFrame:
    """Each journey's segment: its account's industry and size ("(unknown)" where the account
    has not said, or the person has no account)."""
    account, person = Account._meta.db_table, Person._meta.db_table
    key, joins = "a.id", f"{account} a"
    if journey == "person":
        key, joins = "p.id", f"{person} p LEFT JOIN {account} a ON a.id = p.account_id"
    among, params = _among(key, ids)
    frame = _read(
        f"SELECT {key}, a.industry, a.employee_count FROM {joins} WHERE {among}",
        {"journey_id": pl.Int64, "industry": pl.String, "employees": pl.Int64},
        params,
        whole=ids is None,
    )
    size: Then | ChainedThen = pl.when(pl.col("employees").is_null()).then(pl.lit(UNKNOWN_SEGMENT))
    for most, name in SIZES:
        size = size.when(pl.col("employees") <= most).then(pl.lit(name))
    industry = pl.col("industry").fill_null("").str.strip_chars()
    industry = pl.when(industry == "").then(pl.lit(UNKNOWN_SEGMENT)).otherwise(industry)
    segment = pl.concat_str(industry, size.otherwise(pl.lit(LARGEST)), separator=", ")
    return frame.select("journey_id", segment.alias("segment"))


def journey_touchpoints(
    *,
    by: str = "channel",
    conversion: str = "opportunity_created",
    lookback_days: int = 90,
    now: datetime | None = None,
    journey: str = "person",
) -> pl.DataFrame:
    """Every counted touch as a row of `paths_from_touchpoints`' columns."""
    if by not in BY:
        raise ValueError(f"--by must be one of {', '.join(BY)}")
    frame = labelled_journey_touches(
        labels=(by,), conversion=conversion, lookback_days=lookback_days, now=now,
        journey=journey,
    )  # fmt: skip
    return frame.rename({by: "channel"}) if by != "channel" else frame


def labelled_journey_touches(
    *,
    labels: tuple[str, ...] = BY,
    conversion: str = "opportunity_created",
    lookback_days: int = 90,
    now: datetime | None = None,
    journey: str = "person",
    journey_ids: Sequence[int] | None = None,
) -> pl.DataFrame:
    """Every counted touch, labelled by each of `labels` in a column of that name: one read of
    the touches serves attribution by channel and by campaign. With `journey_ids`, only those
    journeys' (people's, or accounts', ids)."""
    if conversion not in CONVERSIONS:
        raise ValueError(f"the conversion must be one of {', '.join(CONVERSIONS)}")
    if journey not in JOURNEYS:
        raise ValueError(f"a journey must be one of {', '.join(JOURNEYS)}")
    if lookback_days <= 0:
        raise ValueError("the lookback window must be at least one day")
    now = (now or timezone.now()).astimezone(UTC)
    at, value, left_out = ("opportunity_at", "opportunity_value", "opportunity_left_out")
    if conversion == "won":
        at, value, left_out = ("won_at", "won_value", "won_left_out")
    journeys = (
        _opportunity_dates(journey, journey_ids)
        .join(_lead_dates(journey, journey_ids), on="journey_id", how="full", coalesce=True)
        .join(_segments(journey, journey_ids), on="journey_id", how="left")
    )
    frame = (
        _touches(labels, journey, journey_ids)
        .join(journeys, on="journey_id", how="left")
        .with_columns(
            pl.col(at).is_not_null().alias("converted"),
            pl.col(value).fill_null(0.0).alias("value"),
            pl.col(at).fill_null(pl.lit(now, dtype=TIME)).alias("ends_at"),
        )
    )
    window = timedelta(days=lookback_days)
    frame = frame.filter(
        (pl.col("occurred_at") <= pl.col("ends_at"))
        & (pl.col("occurred_at") >= pl.col("ends_at") - window)
        & ~pl.col(left_out).fill_null(False)  # no rate to the reporting currency: not credited
    )
    return frame.select(
        "journey_id", "occurred_at", *labels, "converted", "value",
        "lead_at", "opportunity_at", "won_at", "segment",
    )  # fmt: skip
