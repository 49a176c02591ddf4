"""Shared revenue goals, the versioned reward plan, campaign ideas, and the joint rhythm of the
two teams: job shadowing and rotations, meetings and their action items."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accord.goals.periods import MONTH, QUARTER, period_name
from accord.goals.plan import RewardPlan, check_plan
from accord.money import money_field


class RevenueGoal(models.Model):
    """Won revenue both teams aim for in one month or quarter. Periods never overlap."""

    class Period(models.TextChoices):
        MONTH = MONTH, "Month"
        QUARTER = QUARTER, "Quarter"

    period = models.CharField(max_length=8, choices=Period.choices)
    starts_on = models.DateField(unique=True)
    ends_on = models.DateField()
    amount = money_field()
    currency = models.CharField(max_length=3, default="USD")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="goal_amount_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="goal_ordered"),
        ]

    def __str__(self):
        return f"{self.name}: {self.amount} {self.currency}"

    @property
    def name(self) -> str:
        return period_name(self.period, self.starts_on)


class RewardPlanVersion(models.Model):
    """One version of the reward plan; the latest is in force, the earlier ones are the record."""

    number = models.PositiveIntegerField(unique=True)
    document_data = models.JSONField(help_text="Written only through RewardPlan")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"Reward plan v{self.number}"

    @property
    def plan(self) -> RewardPlan:
        return check_plan(self.document_data)

    @plan.setter
    def plan(self, plan: RewardPlan) -> None:
        self.document_data = plan.model_dump(mode="json")


class CampaignIdea(models.Model):
    """Who proposed the idea of a campaign, so revenue credited to it recognises them."""

    campaign = models.ForeignKey(
        "touchpoints.Campaign", on_delete=models.CASCADE, related_name="ideas"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaign_ideas"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="one_idea_per_person")
        ]

    def __str__(self):
        return f"{self.person} proposed {self.campaign}"


class Rotation(models.Model):
    """A sign-up to shadow or work for a while in the other team."""

    class Kind(models.TextChoices):
        SHADOWING = "shadowing", "Job shadowing"
        ROTATION = "rotation", "Rotation"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rotations"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    host_team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=255, blank=True, default="")
    signed_up_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="rotation_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()} with {self.host_team}"


class Meeting(models.Model):
    """A joint Sales and Marketing meeting, held on a day, with its notes."""

    held_on = models.DateField()
    title = models.CharField(max_length=200, default="Joint sales and marketing meeting")
    notes = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.title} ({self.held_on})"


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=255)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_items"
    )
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_at"])]

    def __str__(self):
        return self.text
