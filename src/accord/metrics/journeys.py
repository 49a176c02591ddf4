"""Journeys as the dashboard's attribution reads them, kept in the shared cache.

Reading every touch is the one slow step of attribution (ten million rows on the large demo);
which journeys count for a period or a segment is a cheap filter afterwards. So the touches of
every journey, labelled by channel and by campaign, are read once per state of the data and
kept in the cache as Parquet, and every filter the dashboard offers is worked out from them.
"""

from __future__ import annotations

import hashlib
import io

import polars as pl
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum

from accord.credit.selectors import labelled_journey_touches
from accord.crm.models import LifecycleChange, Opportunity, PipelineStage
from accord.touchpoints.models import Campaign, Touchpoint

CACHE_SECONDS = 24 * 3600


def data_stamp() -> str:
    """Changes whenever a touch, a deal, a lifecycle move or a campaign is added, or a deal's
    stage or amount changes: nothing cached under one stamp is read against other data."""
    touches = Touchpoint.objects.aggregate(last=Max("id"))
    moves = LifecycleChange.objects.aggregate(last=Max("id"))
    deals = Opportunity.objects.aggregate(
        last=Max("id"),
        n=Count("id"),
        won=Count("id", filter=Q(stage=PipelineStage.CLOSED_WON)),
        amount=Sum("amount"),
        closed=Max("close_date"),
    )
    campaigns = Campaign.objects.aggregate(last=Max("id"), n=Count("id"), cost=Sum("cost"))
    return hashlib.sha256(repr((touches, moves, deals, campaigns)).encode()).hexdigest()


def won_journeys(journey: str, stamp: str) -> pl.DataFrame:
    """Every journey's counted touches up to its first won deal (or up to now), with a
    `channel` and a `campaign` column, from the cache when the data is as it was (`stamp`)."""
    key = f"metrics:journeys:{journey}:{stamp}"
    stored = cache.get(key)
    if stored is not None:
        return pl.read_parquet(io.BytesIO(stored))
    frame = labelled_journey_touches(conversion="won", journey=journey)
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="lz4")
    cache.set(key, buffer.getvalue(), timeout=CACHE_SECONDS)
    return frame
