"""Shared-mindset rounds: everyone in both teams names the company's top three advantages."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

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


def author_key(round_id: int, user_id: int) -> str:
    """Which answer of a round is a person's, for that person only: a hash of the round and the
    person keyed with Accord's secret key. The answers hold no user id, so neither the admin, nor
    the database, nor a backup can tell who wrote which; Accord finds the caller's own answer (to
    show it and to replace it) by working the key out again."""
    return salted_hmac(
        "accord.mindset.answer", f"{round_id}:{user_id}", algorithm="sha256"
    ).hexdigest()


class Answer(models.Model):
    """One person's three advantages in one round, without who they are; answering again
    replaces them."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    author_key = models.CharField(max_length=64, editable=False, help_text="See author_key()")
    team_kind = models.CharField(max_length=16, help_text="The person's team when they answered")
    first = models.CharField(max_length=ADVANTAGE_LENGTH)
    second = models.CharField(max_length=ADVANTAGE_LENGTH)
    third = models.CharField(max_length=ADVANTAGE_LENGTH)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "author_key"], name="one_mindset_answer_each")
        ]

    def __str__(self):
        return f"An answer in {self.round}"

    @property
    def advantages(self) -> list[str]:
        return [self.first, self.second, self.third]
