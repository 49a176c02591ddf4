"""The weekly digest: the joint meeting's numbers, e-mailed to everyone in both teams.

One message per person (nobody sees the other addresses), sent once the surrounding transaction
has committed.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accord.goals.meetings import Agenda, build_agenda
from accord.teams.models import Team, User


def digest_recipients() -> list[User]:
    return list(
        User.objects.filter(is_active=True, team__kind__in=Team.Kind.values)
        .exclude(email="")
        .order_by("email")
    )


def digest_subject(agenda: Agenda) -> str:
    return f"Accord weekly digest: {agenda.start:%d %b} to {agenda.end:%d %b %Y}"


def digest_body(agenda: Agenda) -> str:
    return render_to_string("goals/digest.txt", {"agenda": agenda})


@dataclass(frozen=True)
class Digest:
    subject: str
    body: str
    recipients: list[User]


def build_digest(today: dt.date | None = None) -> Digest:
    """The digest for the week holding `today`, as each person gets it (nothing is sent)."""
    agenda = build_agenda(today or timezone.localdate())
    return Digest(digest_subject(agenda), digest_body(agenda), digest_recipients())


def do_send_digest(today: dt.date | None = None) -> int:
    """E-mail the digest to both teams; returns how many people it goes to."""
    digest = build_digest(today)
    messages = [
        EmailMessage(digest.subject, digest.body, settings.DEFAULT_FROM_EMAIL, [person.email])
        for person in digest.recipients
    ]
    if messages:
        transaction.on_commit(lambda: get_connection().send_messages(messages))
    return len(messages)
