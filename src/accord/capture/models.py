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
