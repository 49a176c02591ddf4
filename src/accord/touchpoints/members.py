"""What a CRM's campaign and its members are in Accord's words, the same for the sync and for
imports: the kind of campaign its channel makes it, and the touch a member of it makes."""

from accord.touchpoints.models import Campaign, Channel, Touchpoint

PAID = frozenset(
    {
        Channel.PAID_SEARCH,
        Channel.PAID_SOCIAL,
        Channel.PAID_VIDEO,
        Channel.PAID_SHOPPING,
        Channel.PAID_OTHER,
        Channel.DISPLAY,
        Channel.CROSS_NETWORK,
    }
)
KIND_OF_CHANNEL = {
    Channel.EVENTS: Campaign.Kind.EVENT,
    Channel.EMAIL: Campaign.Kind.EMAIL,
    Channel.REFERRAL: Campaign.Kind.PARTNER,
    Channel.ORGANIC_SOCIAL: Campaign.Kind.SOCIAL,
} | dict.fromkeys(PAID, Campaign.Kind.ADVERTISING)


def campaign_kind(channel: str) -> str:
    """The kind of campaign (how the campaigns page groups it) its channel makes it."""
    return KIND_OF_CHANNEL.get(channel, Campaign.Kind.OTHER)


def member_touch_kind(channel: str, responded: bool) -> str:
    """The touch a campaign member makes: attending an event, opening (or, having responded,
    clicking) an e-mail, clicking an ad, a sales call; a response to any other campaign is the
    form it was given through."""
    if channel == Channel.EVENTS:
        return Touchpoint.Kind.EVENT
    if channel == Channel.EMAIL:
        return Touchpoint.Kind.EMAIL_CLICK if responded else Touchpoint.Kind.EMAIL_OPEN
    if channel in PAID:
        return Touchpoint.Kind.AD_CLICK
    if channel == Channel.SALES_OUTREACH:
        return Touchpoint.Kind.CALL
    return Touchpoint.Kind.FORM_FILL
