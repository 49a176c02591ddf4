"""Journeys as the dashboard's attribution reads them, kept in the shared cache.

Reading every touch is the one slow step of attribution (ten million rows on the large demo);
which journeys count for a period or a segment is a cheap filter afterwards. So the touches of
every journey, labelled by channel and by campaign, are read once per state of the data and
kept in the cache as Parquet, and every filter the dashboard offers is worked out from them.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

import polars as pl
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from accord.attribution.command import JourneyKind
from accord.crm.conversion import reporting_currency
from accord.crm.models import (
    ExchangeRate,
    LifecycleChange,
    LifecycleStage,
    Opportunity,
    PipelineStage,
)
from accord.journeys.selectors import labelled_journey_touches
from accord.touchpoints.models import Campaign, Touchpoint

CACHE_SECONDS = 24 * 3600


def data_stamp() -> str:
    """Changes whenever a touch, a deal, a move into the lead stage (a journey's lead moment), a
    campaign or an exchange rate is added, or a deal's stage, amount or currency (to or from the
    reporting one) changes: nothing cached under one stamp is read against other data. Other
    moves (a rep accepting, converting or disqualifying a lead) leave it; recycling one to
    nurture moves it into the lead stage again."""
    touches = Touchpoint.objects.aggregate(last=Max("id"))
    moves = LifecycleChange.objects.filter(to_stage=LifecycleStage.LEAD).aggregate(last=Max("id"))
    deals = Opportunity.objects.aggregate(
        last=Max("id"),
        n=Count("id"),
        won=Count("id", filter=Q(stage=PipelineStage.CLOSED_WON)),
        amount=Sum("amount"),
        closed=Max("close_date"),
        reported=Count("id", filter=Q(currency=reporting_currency())),
    )
    campaigns = Campaign.objects.aggregate(last=Max("id"), n=Count("id"), cost=Sum("cost"))
    rates = ExchangeRate.objects.aggregate(last=Max("id"), n=Count("id"), sum=Sum("rate"))
    state = (touches, moves, deals, campaigns, rates, reporting_currency())
    return hashlib.sha256(repr(state).encode()).hexdigest()


@dataclass(frozen=True)
class Journeys:
    frame: pl.DataFrame
    stamp: str
    worked_out_at: datetime
    #: Worked out before the latest change of the data (see `won_journeys`' `earlier_ok`)
    data_changed_since: bool = False


def _key(journey: JourneyKind, stamp: str) -> str:
    return f"metrics:journeys:{journey}:{stamp}"


def _latest_key(journey: JourneyKind) -> str:
    return f"metrics:journeys:{journey}:latest"


def _read(stored: tuple[datetime, bytes], stamp: str, data_changed_since: bool = False) -> Journeys:
    worked_out_at, parquet = stored
    return Journeys(pl.read_parquet(io.BytesIO(parquet)), stamp, worked_out_at, data_changed_since)


def earlier_stamp(journey: JourneyKind, stamp: str) -> str | None:
    """The state of the data the journeys were last worked out for, when those of `stamp` are
    not worked out yet; None otherwise. Looked up without reading the journeys themselves."""
    if cache.has_key(_key(journey, stamp)):
        return None
    latest = cache.get(_latest_key(journey))
    return latest if latest != stamp else None


def at_hand(journey: JourneyKind, stamp: str) -> bool:
    """Whether `won_journeys(..., earlier_ok=True)` answers without reading every touch."""
    if cache.has_key(_key(journey, stamp)):
        return True
    latest = cache.get(_latest_key(journey))
    return latest is not None and cache.has_key(_key(journey, latest))


def won_journeys(journey: JourneyKind, stamp: str, *, earlier_ok: bool = False) -> Journeys:
    """Every journey's counted touches up to its first won deal (or up to now), with a
    `channel` and a `campaign` column, from the cache when the data is as it was (`stamp`).

    With `earlier_ok`, journeys worked out before the data last changed are taken rather than
    reading every touch again (marked `data_changed_since`); touches are read only when there
    are none."""
    stored = cache.get(_key(journey, stamp))
    if stored is not None:
        return _read(stored, stamp)
    if earlier_ok and (latest := cache.get(_latest_key(journey))) is not None:
        earlier = cache.get(_key(journey, latest))
        if earlier is not None:
            return _read(earlier, latest, data_changed_since=True)
    frame = labelled_journey_touches(conversion="won", journey=journey)
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="lz4")
    worked_out_at = timezone.now()
    cache.set(_key(journey, stamp), (worked_out_at, buffer.getvalue()), timeout=CACHE_SECONDS)
    cache.set(_latest_key(journey), stamp, timeout=CACHE_SECONDS)
    return Journeys(frame, stamp, worked_out_at)
