"""Shared-mindset rounds: everyone in both teams names the company's top three advantages."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

ADVANTAGE_LENGTH = 200


class Round(models.Model):
    """One asking of both teams; answers go to the open round, at most one is open."""

    title = models.CharField(max_length=100)
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_open = models.BooleanField(default=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_open"], condition=Q(is_open=True), name="one_mindset_round_open"
            )
        ]

    def __str__(self):
        return self.title


class Answer(models.Model):
    """One person's three advantages in one round; answering again replaces them."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mindset_answers"
    )
    team_kind = models.CharField(max_length=16, help_text="The person's team when they answered")
    first = models.CharField(max_length=ADVANTAGE_LENGTH)
    second = models.CharField(max_length=ADVANTAGE_LENGTH)
    third = models.CharField(max_length=ADVANTAGE_LENGTH)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="one_mindset_answer_each")
        ]

    def __str__(self):
        return f"{self.person} in {self.round}"

    @property
    def advantages(self) -> list[str]:
        return [self.first, self.second, self.third]
