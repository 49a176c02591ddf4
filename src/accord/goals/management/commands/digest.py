"""`accord digest`: e-mail the weekly digest of the shared numbers to both teams."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from accord.goals.digest import do_send_digest


class Command(BaseCommand):
    help = "E-mail the week's shared numbers (the joint meeting's agenda) to both teams."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day the digest is for (YYYY-MM-DD, default today)")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date: {date!r} is not a date like 2026-11-23") from None
        try:
            sent = do_send_digest(today)
        except OSError as exc:  # smtplib's errors too: the server refused, or is not there
            raise CommandError(
                f"The digest was not sent: the mail server said {exc}. "
                "Check ACCORD_EMAIL_URL, or leave it unset to keep mail on Accord's /mail/ page."
            ) from None
        self.stdout.write(f"Sent the weekly digest to {sent} people.")
