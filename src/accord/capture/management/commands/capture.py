"""`accord capture forget`: delete stored capture answers that no retry can ask for any more."""

from django.core.management.base import BaseCommand

from accord.capture.idempotency import do_forget_old_submissions


class Command(BaseCommand):
    help = "Lead capture upkeep: `forget` deletes answers older than the retry and dedupe windows"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["forget"])

    def handle(self, *args, **options):
        gone = do_forget_old_submissions()
        self.stdout.write(f"Forgot {gone} stored capture answer{'s' if gone != 1 else ''}")
