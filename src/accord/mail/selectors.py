"""The mail kept in Accord's outbox, for the admins' pages."""

from django.db.models import QuerySet

from accord.mail.models import Email


def sent_mail(to: str = "") -> QuerySet[Email]:
    """Newest first; with `to`, only messages to an address containing it."""
    mail = Email.objects.all()
    if to:
        mail = mail.filter(to__icontains=to)
    return mail.only("sent_at", "to", "subject")
