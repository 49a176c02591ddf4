"""Assessment rounds, each person's answers and the ratings they gave, and the audit history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accord.alignment.statements import CURRENT_VERSION, HIGHEST, LOWEST


class AssessmentRound(models.Model):
    """One sitting of the questionnaire; at most one round is open at a time."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    questionnaire_version = models.PositiveSmallIntegerField(default=CURRENT_VERSION)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="open"), name="one_assessment_round_open"
            )
        ]

    def __str__(self):
        return f"Round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AssessmentResponse(models.Model):
    """One person's answers in one round; answering again replaces them."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    team_kind = models.CharField(max_length=16, help_text="The respondent's team when answering")
    total = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "respondent"], name="one_response_per_round")
        ]
        indexes = [models.Index(fields=["round", "team_kind"])]

    def __str__(self):
        return f"An answer to round {self.round.number}"


class Rating(models.Model):
    response = models.ForeignKey(
        AssessmentResponse, on_delete=models.CASCADE, related_name="ratings"
    )
    statement = models.CharField(max_length=40, help_text="Statement key in its questionnaire")
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "statement"], name="one_rating_per_item"),
            models.CheckConstraint(
                condition=Q(score__gte=LOWEST, score__lte=HIGHEST), name="rating_on_the_scale"
            ),
        ]

    def __str__(self):
        return f"{self.statement}: {self.score}"


class AssessmentEvent(models.Model):
    """The audit history, written by alignment.services: who opened, closed or answered a round
    and when; never what anybody answered."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        CLOSED = "closed", "Closed"
        ANSWERED = "answered", "Answered"
        REPLACED = "replaced", "Replaced an earlier answer"

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.round} {self.get_kind_display().lower()}"
