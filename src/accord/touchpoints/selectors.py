"""Reads of touchpoints that pages, API and reports share."""

from django.db.models import QuerySet

from accord.crm.selectors import Found, ListQuery, filter_by, found, matching, ordered
from accord.touchpoints.access import campaigns_for
from accord.touchpoints.models import Campaign

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
