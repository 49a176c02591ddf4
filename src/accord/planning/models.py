"""The joint plan: the buying process both teams work on, campaign plans both heads sign before
sales meets them, the notice sales gets, and what reps say about each campaign."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accord.crm.models import LifecycleStage


class BuyingStep(models.TextChoices):
    """The customer's buying process, in order."""

    AWARENESS = "awareness", "Awareness"
    CONSIDERATION = "consideration", "Consideration"
    PREFERENCE = "preference", "Preference"
    PURCHASE = "purchase", "Purchase"
    LOYALTY = "loyalty", "Loyalty"
    ADVOCACY = "advocacy", "Advocacy"


class OwnerTeam(models.TextChoices):
    UPSTREAM = "upstream_marketing", "Upstream marketing"
    DOWNSTREAM = "downstream_marketing", "Downstream marketing"
    SALES = "sales", "Sales"


class Metric(models.TextChoices):
    """What measures a stage, each read from the shared database by the metrics query layer."""

    NEW_PEOPLE = "new_people", "New people in the funnel"
    LEADS = "leads", "People who became leads"
    MQLS = "mqls", "People who became MQLs"
    SALS = "sals", "Leads Sales accepted"
    SQLS = "sqls", "Sales qualified leads"
    OPPORTUNITIES = "opportunities", "People with an opportunity"
    FIRST_TOUCH_IN_SLA = "first_touch_in_sla", "MQLs first touched within the SLA"
    WON_DEALS = "won_deals", "Deals won"
    WON_REVENUE = "won_revenue", "Revenue won"
    CUSTOMERS = "customers", "People who became customers"
    EVANGELISTS = "evangelists", "People who became evangelists"


class BuyingStage(models.Model):
    """One stage of the buying process as the heads set it; a stage never edited follows the
    default plan (`planning.defaults`)."""

    step = models.CharField(max_length=16, choices=BuyingStep.choices, unique=True)
    owner = models.CharField("owner team", max_length=24, choices=OwnerTeam.choices)
    tactics = models.TextField(help_text="One tactic a line")
    metric = models.CharField(max_length=24, choices=Metric.choices)
    lifecycle_stages = models.JSONField(
        default=list, help_text="Lifecycle stage values, written only through services"
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.get_step_display()

    @property
    def tactic_list(self) -> list[str]:
        return [line.strip() for line in self.tactics.splitlines() if line.strip()]

    @property
    def lifecycle_labels(self) -> list[str]:
        return [LifecycleStage(stage).label for stage in self.lifecycle_stages]


class PlanningSettings(models.Model):
    """The one row of the joint plan's settings; without it the defaults hold."""

    DEFAULT_NOTICE_DAYS = 14

    notice_days = models.PositiveSmallIntegerField(
        default=DEFAULT_NOTICE_DAYS,
        help_text="Days before a campaign's launch by which sales must have its signed plan",
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "planning settings"
        constraints = [
            models.CheckConstraint(condition=Q(notice_days__lte=365), name="notice_within_a_year")
        ]

    def __str__(self):
        return f"{self.notice_days} days of notice"


class CampaignPlan(models.Model):
    """What a campaign is for and what sales gets from it. Both heads sign it, once each; the
    second signature announces it to sales. Any change to it clears the signatures."""

    campaign = models.OneToOneField(
        "touchpoints.Campaign", on_delete=models.CASCADE, related_name="plan"
    )
    buying_step = models.CharField(
        "buying stage", max_length=16, choices=BuyingStep.choices, blank=True, default=""
    )
    objective = models.TextField(help_text="What the campaign should achieve")
    audience = models.TextField(blank=True, default="", help_text="Who it reaches")
    message = models.TextField(blank=True, default="", help_text="What it says")
    sales_material = models.TextField(
        blank=True, default="", help_text="What sales gets: material, talk tracks, offers"
    )
    sales_follow_up = models.TextField(
        blank=True, default="", help_text="What sales is asked to do with the leads it brings"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)
    marketing_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marketing_signed_at = models.DateTimeField(null=True, blank=True)
    sales_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sales_signed_at = models.DateTimeField(null=True, blank=True)
    announced_at = models.DateTimeField(
        null=True, blank=True, help_text="When sales got the plan: at the second signature"
    )

    CONTENT_FIELDS = (
        "buying_step",
        "objective",
        "audience",
        "message",
        "sales_material",
        "sales_follow_up",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(announced_at__isnull=True)
                | Q(marketing_signed_at__isnull=False, sales_signed_at__isnull=False),
                name="announced_only_when_signed_by_both",
            )
        ]

    def __str__(self):
        return f"Plan of {self.campaign}"

    @property
    def signed_by_both(self) -> bool:
        return self.marketing_signed_at is not None and self.sales_signed_at is not None


class CampaignRating(models.Model):
    """A rep's verdict on a campaign and its material; a second rating replaces the first."""

    campaign = models.ForeignKey(
        "touchpoints.Campaign", on_delete=models.CASCADE, related_name="ratings"
    )
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    useful = models.BooleanField()
    comment = models.TextField(blank=True, default="")
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "rep"], name="one_rating_per_rep")
        ]

    def __str__(self):
        return f"{self.rep} on {self.campaign}: {'useful' if self.useful else 'not useful'}"


class PlanningEvent(models.Model):
    """The history of the joint plan: who changed, signed, announced or rated what, and when."""

    class Kind(models.TextChoices):
        STAGE_EDITED = "stage_edited", "Buying stage edited"
        NOTICE_CHANGED = "notice_changed", "Notice period changed"
        PLAN_WRITTEN = "plan_written", "Campaign plan written"
        SIGNATURES_CLEARED = "signatures_cleared", "Signatures cleared by a change"
        PLAN_SIGNED = "plan_signed", "Campaign plan signed"
        PLAN_ANNOUNCED = "plan_announced", "Campaign plan announced to sales"
        CAMPAIGN_RATED = "campaign_rated", "Campaign rated"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.ForeignKey(
        "touchpoints.Campaign",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="planning_events",
    )
    detail = models.TextField(blank=True, default="")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.actor} at {self.at:%Y-%m-%d %H:%M}"
