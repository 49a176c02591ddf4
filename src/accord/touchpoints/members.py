"""What a CRM's campaign, its members and the activities reps log are in Accord's words, the
same for the sync and for imports: the kind of campaign its channel makes it, the touch a member
of it makes, and the touch a logged call, meeting or e-mail makes."""

import re

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


# What a rep logs with a contact in the CRM is sales's work with them: one channel for all.
ACTIVITY_CHANNEL = Channel.SALES_OUTREACH
# An e-mail HubSpot never delivered (hs_email_status) reached nobody.
NOT_DELIVERED = {"scheduled", "sending", "bounced", "failed"}


class NotATouch(ValueError):
    """A CRM activity that is no touch of its contact (a note, a task that is not a call, an
    e-mail never delivered); the message says which, as the import and the sync list it."""


def _word(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.casefold())


def activity_touch(activity: str, *, direction: str = "", status: str = "") -> str:
    """The kind of sales touch an activity logged with a contact makes: a call, a meeting, or a
    one-to-one e-mail. The e-mails a CRM logs on a contact (HubSpot's e-mail engagements,
    `hs_email_direction`) are sales's, written by a rep or answered to one; HubSpot's marketing
    e-mails are Marketing Hub sends, never engagements, and reach Accord as campaign touches.
    The contact's own e-mail (INCOMING_EMAIL) is their response, counted as the click of a
    campaign e-mail is; one a rep sent or forwarded them, as its open. Raises NotATouch."""
    kind = _word(activity)
    if kind == "call":
        return Touchpoint.Kind.CALL
    if kind == "meeting":
        return Touchpoint.Kind.MEETING
    if kind in ("email", "incomingemail", "forwardedemail"):
        if _word(status) in NOT_DELIVERED:
            raise NotATouch(f"an e-mail not delivered ({status})")
        if kind == "incomingemail" or _word(direction) == "incomingemail":
            return Touchpoint.Kind.EMAIL_CLICK
        return Touchpoint.Kind.EMAIL_OPEN
    if kind == "task":
        raise NotATouch("a task that is not a call")
    raise NotATouch(f"a {activity.strip().lower() or 'blank activity type'} is not a touch")
