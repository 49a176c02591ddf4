"""A Django e-mail backend that keeps every message in Accord's own database.

Chosen when no mail server is configured (`ACCORD_EMAIL_URL`, `ACCORD_EMAIL_HOST`): the demo and
a fresh install send their alerts and digests here, where admins read them on `/mail/`, instead
of failing against a server that does not exist.
"""

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone

from accord.mail.models import Email


def _html_part(message: EmailMessage) -> str:
    for content, mimetype in getattr(message, "alternatives", None) or []:
        if mimetype == "text/html":
            return str(content)
    return ""


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        now = timezone.now()
        for message in email_messages:
            message.message()  # refuses what a mail server would: a subject over two lines
        rows = [
            Email(
                sent_at=now,
                from_email=message.from_email,
                to=", ".join(message.recipients()),
                subject=str(message.subject),
                body=str(message.body),
                html_body=_html_part(message),
            )
            for message in email_messages
            if message.recipients()
        ]
        Email.objects.bulk_create(rows)
        return len(rows)
