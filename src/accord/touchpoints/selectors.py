"""Reads of touchpoints that pages, API and reports share."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from accord.touchpoints.models import Channel, Touchpoint


@dataclass(frozen=True)
class ChannelCount:
    channel: str
    label: str
    touchpoints: int


def get_touchpoints_per_channel(start: dt.datetime, end: dt.datetime) -> list[ChannelCount]:
    """Touchpoints per channel that occurred from `start` up to (not including) `end`, busiest
    channel first, ties in GA4's channel order; channels without a touch are left out."""
    if end < start:
        raise ValueError(f"The period ends ({end:%Y-%m-%d %H:%M}) before it starts.")
    counts = dict(
        Touchpoint.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    order = {channel: n for n, channel in enumerate(Channel.values)}
    labels = dict(Channel.choices)
    return [
        ChannelCount(channel=channel, label=labels.get(channel, channel), touchpoints=n)
        for channel, n in sorted(counts.items(), key=lambda c: (-c[1], order.get(c[0], len(order))))
    ]
