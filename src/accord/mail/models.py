"""E-mail Accord sent while no mail server is configured: kept here for admins to read."""

from django.db import models


class Email(models.Model):
    """One message as it would have left for the mail server, one row per message."""

    sent_at = models.DateTimeField(db_index=True)
    from_email = models.CharField(max_length=320)
    to = models.TextField(help_text="Every recipient (To, Cc and Bcc), comma-separated")
    subject = models.TextField()
    body = models.TextField()
    html_body = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"{self.subject} → {self.to}"
