"""What the capture API answered, so a retried or repeated submission gets the same answer."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class CaptureSubmission(models.Model):
    """One accepted submission of a capture key's user, under its Idempotency-Key.

    A submission without a key is stored under a key made from its body, so an identical
    submission within the dedupe window is the same one. The unique constraint makes
    concurrent submissions with one key take effect once: the second insert waits for the
    first transaction and then finds its answer.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField(max_length=32)
    key = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.TextField(help_text="The JSON answered, as sent")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "endpoint", "key"], name="capture_submission_once_per_key"
            )
        ]

    def __str__(self):
        return f"{self.endpoint} {self.key[:20]} → {self.status_code}"


class FormFill(models.Model):
    """The form a captured lead filled in, kept with the touchpoint the capture made."""

    touchpoint = models.OneToOneField(
        "touchpoints.Touchpoint", on_delete=models.CASCADE, related_name="form_fill"
    )
    form_name = models.CharField(max_length=255)

    def __str__(self):
        return f"{self.form_name} (touchpoint {self.touchpoint_id})"


class CaptureStatus(models.TextChoices):
    """Where a capture is: waiting for the worker, scored, or handed to a rep."""

    RECEIVED = "received", "Received"  # stored, waiting for the worker
    SCORED = "scored", "Scored"  # scored; no handoff (not an MQL, or no rep could take it)
    ROUTED = "routed", "Routed"  # handed to a rep (or already with one)


class Capture(models.Model):
    """A lead or touch the API recorded, waiting for the worker to score and route its person.

    The request stores the person and the touch and answers at once; the worker takes the
    captures still `received` in batches (`capture/batches.py`), scores their people and hands
    the MQLs to reps, all in one transaction per batch, so a capture is routed once even when a
    worker stops half-way through a batch: the batch rolls back and is taken again.
    """

    Status = CaptureStatus

    person = models.ForeignKey("crm.Person", on_delete=models.CASCADE, related_name="captures")
    touchpoint = models.ForeignKey(
        "touchpoints.Touchpoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The form fill of a lead capture; empty for a batch of touches",
    )
    person_created = models.BooleanField(default=False, help_text="The capture made the person")
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose key sent it: only they may follow it",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    handoff = models.ForeignKey(
        "handoff.Handoff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(status="received"),
                name="capture_waiting",
            )
        ]

    def __str__(self):
        return f"capture {self.pk} of person {self.person_id} ({self.status})"
