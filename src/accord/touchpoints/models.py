"""Campaigns, every marketing touch, and the rules that name a touch's channel."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone

from accord.money import money_field
from accord.touchpoints.rules import Rule, check_pattern


class Channel(models.TextChoices):
    """GA4's default channel groups, the vocabulary both teams read reports in."""

    DIRECT = "direct", "Direct"
    CROSS_NETWORK = "cross_network", "Cross-network"
    PAID_SHOPPING = "paid_shopping", "Paid shopping"
    PAID_SEARCH = "paid_search", "Paid search"
    PAID_SOCIAL = "paid_social", "Paid social"
    PAID_VIDEO = "paid_video", "Paid video"
    DISPLAY = "display", "Display"
    PAID_OTHER = "paid_other", "Paid other"
    ORGANIC_SHOPPING = "organic_shopping", "Organic shopping"
    ORGANIC_SOCIAL = "organic_social", "Organic social"
    ORGANIC_VIDEO = "organic_video", "Organic video"
    ORGANIC_SEARCH = "organic_search", "Organic search"
    REFERRAL = "referral", "Referral"
    EMAIL = "email", "Email"
    AFFILIATES = "affiliates", "Affiliates"
    AUDIO = "audio", "Audio"
    SMS = "sms", "SMS"
    MOBILE_PUSH = "mobile_push", "Mobile push notifications"
    EVENTS = "events", "Events"
    SALES_OUTREACH = "sales_outreach", "Sales outreach"
    UNASSIGNED = "unassigned", "Unassigned"


class CampaignStatus(models.TextChoices):
    """Where a campaign is in its life."""

    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class CampaignType(models.TextChoices):
    """What kind of campaign it is (its type in a CRM)."""

    WEBINAR = "webinar", "Webinar"
    EVENT = "event", "Event"
    CONTENT = "content", "Content"
    EMAIL = "email", "Email"
    ADVERTISING = "advertising", "Advertising"
    SOCIAL = "social", "Social"
    PARTNER = "partner", "Partner"
    OTHER = "other", "Other"


class Campaign(models.Model):
    Kind = CampaignType
    Status = CampaignStatus

    name = models.CharField(max_length=255, unique=True)
    channel = models.CharField(max_length=32, choices=Channel.choices, default=Channel.UNASSIGNED)
    kind = models.CharField("type", max_length=16, choices=Kind.choices, default=Kind.OTHER)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    cost = money_field(default=0)
    currency = models.CharField(max_length=3, default="USD")
    owner_team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    utm_campaign = models.CharField(max_length=255, blank=True, default="", db_index=True)
    advantage = models.CharField(
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text="The competitive advantage the campaign promotes, in a few words",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost__gte=0), name="campaign_cost_not_negative"
            ),
        ]

    def __str__(self):
        return self.name


class TouchKind(models.TextChoices):
    """What kind of touch it is."""

    PAGE_VIEW = "page_view", "Page view"
    FORM_FILL = "form_fill", "Form fill"
    EMAIL_OPEN = "email_open", "E-mail open"
    EMAIL_CLICK = "email_click", "E-mail click"
    AD_CLICK = "ad_click", "Ad click"
    EVENT = "event", "Event"
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"


class Touchpoint(models.Model):
    Kind = TouchKind

    # No index of its own: the one by person and time (below) answers every lookup by person.
    person = models.ForeignKey(
        "crm.Person", on_delete=models.CASCADE, related_name="touchpoints", db_index=False
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="touchpoints"
    )
    channel = models.CharField(max_length=32, choices=Channel.choices)
    kind = models.CharField("type", max_length=16, choices=Kind.choices)
    utm_source = models.CharField(max_length=255, blank=True, default="")
    utm_medium = models.CharField(max_length=255, blank=True, default="")
    utm_campaign = models.CharField(max_length=255, blank=True, default="")
    utm_term = models.CharField(max_length=255, blank=True, default="")
    utm_content = models.CharField(max_length=255, blank=True, default="")
    referrer = models.CharField(max_length=2048, blank=True, default="")
    page = models.CharField(max_length=2048, blank=True, default="")
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["person", "occurred_at"]),
            # The window's touches with what scoring reads of them, read from the index alone:
            # a rescore of everybody skips the table's wide rows (bench/README.md, "Scoring").
            models.Index(fields=["occurred_at", "person", "kind", "channel"], name="touch_window"),
        ]

    def __str__(self):
        return f"{self.kind} by {self.person_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


class ArchivedTouch(models.Model):
    """A touch taken off the live ones because the CRM no longer has what made it (a campaign
    member removed, a logged call deleted): kept here with why and when, out of every count,
    score and credit, which read the live touches alone. `touch_id` is the id it had, as the
    audit trail names it."""

    touch_id = models.BigIntegerField()
    person = models.ForeignKey(
        "crm.Person", on_delete=models.CASCADE, related_name="archived_touches"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=32, choices=Channel.choices)
    kind = models.CharField("type", max_length=16, choices=TouchKind.choices)
    occurred_at = models.DateTimeField()
    archived_at = models.DateTimeField()
    reason = models.CharField(max_length=500)

    def __str__(self):
        return f"{self.kind} by {self.person_id}, archived {self.archived_at:%Y-%m-%d}"


class ChannelRule(models.Model):
    """One rule of the ordered channel classification; the first match names the channel.

    Each non-empty pattern is a case-insensitive regular expression that must match (fullmatch)
    its field; a rule with several patterns needs all of them. `any_of_source_medium` matches
    when either utm_source or utm_medium matches it (GA4's e-mail and SMS rules). Without UTM
    tags the source is the referrer's host and the medium "organic" or "referral".
    """

    PATTERN_HELP = "A regular expression matched, ignoring case, against the whole value"

    position = models.PositiveIntegerField(
        help_text="Rules are tried from the lowest position; the defaults are 100 apart, so a "
        "rule at 450 is tried between the rules at 400 and 500"
    )
    channel = models.CharField(max_length=32, choices=Channel.choices)
    source_pattern = models.CharField(
        max_length=2000, blank=True, default="", help_text=f"{PATTERN_HELP} of the source"
    )
    medium_pattern = models.CharField(
        max_length=500, blank=True, default="", help_text=f"{PATTERN_HELP} of the medium"
    )
    campaign_pattern = models.CharField(
        max_length=500, blank=True, default="", help_text=f"{PATTERN_HELP} of the campaign"
    )
    any_of_source_medium = models.CharField(
        max_length=500,
        blank=True,
        default="",
        help_text=f"{PATTERN_HELP} of either the source or the medium",
    )
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=255, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    PATTERN_FIELDS = (
        "source_pattern",
        "medium_pattern",
        "campaign_pattern",
        "any_of_source_medium",
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.position}: {self.get_channel_display()}"

    def clean(self):
        errors = {}
        for name in self.PATTERN_FIELDS:
            try:
                check_pattern(getattr(self, name))
            except ValueError as exc:
                errors[name] = str(exc)
        if not any(getattr(self, name) for name in self.PATTERN_FIELDS):
            errors[NON_FIELD_ERRORS] = "Give at least one pattern; a rule without one matches all."
        if errors:
            raise ValidationError(errors)

    def as_rule(self) -> Rule:
        return Rule(
            channel=self.channel,
            source=self.source_pattern,
            medium=self.medium_pattern,
            campaign=self.campaign_pattern,
            source_or_medium=self.any_of_source_medium,
            note=self.note,
        )
