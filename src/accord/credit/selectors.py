"""Journeys from the shared database, as the columns the attribution engine reads.

A journey is a person's touches. It converts at the conversion event (the first opportunity on
which the person is the primary contact was created, or the first such opportunity was won),
worth that opportunity's amount; only touches up to that moment and within the lookback window
before it count. A journey that has not converted looks back from now.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import polars as pl
from django.utils import timezone

from accord.crm.models import LifecycleChange, LifecycleStage, Opportunity, Person, PipelineStage
from accord.touchpoints.models import Touchpoint

CONVERSIONS = ("opportunity_created", "won")
BY = ("channel", "campaign")
NO_CAMPAIGN = "(no campaign)"


def _end_of(day) -> datetime | None:
    """Opportunities carry dates; a touch on that day still counts."""
    return None if day is None else datetime.combine(day, time.max, tzinfo=UTC)


def _opportunity_dates() -> pl.DataFrame:
    rows = Opportunity.objects.filter(primary_contact__isnull=False).values_list(
        "primary_contact_id", "created_date", "close_date", "stage", "amount"
    )
    created, won = {}, {}
    for person, created_date, close_date, stage, amount in rows.order_by("created_date", "id"):
        created.setdefault(person, (_end_of(created_date), float(amount or 0)))
        if stage == PipelineStage.CLOSED_WON and close_date is not None:
            candidate = (_end_of(close_date), float(amount or 0))
            if person not in won or candidate[0] < won[person][0]:
                won[person] = candidate
    people = sorted(created)
    return pl.DataFrame(
        {
            "journey_id": people,
            "opportunity_at": [created[p][0] for p in people],
            "opportunity_value": [created[p][1] for p in people],
            "won_at": [won.get(p, (None, None))[0] for p in people],
            "won_value": [won.get(p, (None, 0.0))[1] for p in people],
        },
        schema_overrides={
            "journey_id": pl.Int64,
            "opportunity_at": pl.Datetime("us", "UTC"),
            "won_at": pl.Datetime("us", "UTC"),
            "opportunity_value": pl.Float64,
            "won_value": pl.Float64,
        },
    )


def _lead_dates() -> pl.DataFrame:
    """When each person became a lead: their first move into the lead stage, or their creation."""
    first = {}
    moves = LifecycleChange.objects.filter(to_stage=LifecycleStage.LEAD).order_by("changed_at")
    for person, at in moves.values_list("person_id", "changed_at"):
        first.setdefault(person, at)
    people = list(Person.objects.values_list("id", "created_at"))
    return pl.DataFrame(
        {
            "journey_id": [person for person, _ in people],
            "lead_at": [first.get(person, created) for person, created in people],
        },
        schema={"journey_id": pl.Int64, "lead_at": pl.Datetime("us", "UTC")},
    )


def journey_touchpoints(
    *,
    by: str = "channel",
    conversion: str = "opportunity_created",
    lookback_days: int = 90,
    now: datetime | None = None,
) -> pl.DataFrame:
    """Every counted touch as a row of `paths_from_touchpoints`' columns."""
    if by not in BY:
        raise ValueError(f"--by must be one of {', '.join(BY)}")
    if conversion not in CONVERSIONS:
        raise ValueError(f"the conversion must be one of {', '.join(CONVERSIONS)}")
    if lookback_days <= 0:
        raise ValueError("the lookback window must be at least one day")
    now = now or timezone.now()
    label = "channel" if by == "channel" else "campaign__name"
    rows = Touchpoint.objects.values_list("person_id", "occurred_at", label)
    touches = pl.DataFrame(
        list(rows),
        schema={
            "journey_id": pl.Int64,
            "occurred_at": pl.Datetime("us", "UTC"),
            "channel": pl.String,
        },
        orient="row",
    ).with_columns(pl.col("channel").fill_null(NO_CAMPAIGN))
    at, value = ("opportunity_at", "opportunity_value")
    if conversion == "won":
        at, value = ("won_at", "won_value")
    journeys = _opportunity_dates().join(_lead_dates(), on="journey_id", how="full", coalesce=True)
    frame = touches.join(journeys, on="journey_id", how="left").with_columns(
        pl.col(at).is_not_null().alias("converted"),
        pl.col(value).fill_null(0.0).alias("value"),
        pl.col(at).fill_null(pl.lit(now, dtype=pl.Datetime("us", "UTC"))).alias("ends_at"),
    )
    window = timedelta(days=lookback_days)
    frame = frame.filter(
        (pl.col("occurred_at") <= pl.col("ends_at"))
        & (pl.col("occurred_at") >= pl.col("ends_at") - window)
    )
    return frame.select(
        "journey_id", "occurred_at", "channel", "converted", "value",
        "lead_at", "opportunity_at", "won_at",
    )  # fmt: skip
