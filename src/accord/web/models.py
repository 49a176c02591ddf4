"""What the pages keep of their own: the forms already submitted, so a second submission of the
same form (a double click, a resend after a lost answer) finds the record the first one made."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class FormSubmission(models.Model):
    """One accepted submission of a form that creates a record, under the key the form carried."""

    key = models.UUIDField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    record_type = models.CharField(max_length=32)
    record_id = models.BigIntegerField(null=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="form_submission_once")]

    def __str__(self):
        return f"{self.record_type} {self.record_id} ({self.key})"
