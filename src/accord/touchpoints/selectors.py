"""Reads of touchpoints that pages, API and reports share."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from accord.crm.selectors import Found, ListQuery, filter_by, found, matching, ordered
from accord.teams.access import campaigns_for
from accord.touchpoints.models import Campaign, Channel, Touchpoint


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


# --- the campaigns' list ------------------------------------------------------------------------

CAMPAIGN_SORTS = {
    "name": ("name",),
    "channel": ("channel",),
    "kind": ("kind",),
    "status": ("status",),
    "start": ("start_date",),
    "end": ("end_date",),
    "cost": ("cost",),
}
CAMPAIGN_FILTERS = ("channel", "kind", "status")
CAMPAIGN_TEXT = ("name", "utm_campaign")


def filter_campaigns(user, query: ListQuery) -> QuerySet[Campaign]:
    """The campaigns matching the query (everyone reads every campaign), latest start first."""
    campaigns = campaigns_for(user).select_related("owner_team")
    campaigns = filter_by(matching(campaigns, query.text, CAMPAIGN_TEXT), query.filters)
    return ordered(campaigns, CAMPAIGN_SORTS, query.sort or "-start")


def find_campaigns(user, text: str) -> Found:
    return found(campaigns_for(user), text, CAMPAIGN_TEXT, "name")
