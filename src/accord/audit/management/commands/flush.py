"""`flush` as Django has it, allowed to empty the audit trail with everything else on SQLite."""

from django.core.management.commands.flush import Command as FlushCommand

from accord.audit.guard import wiping_everything


class Command(FlushCommand):
    def handle(self, **options):
        with wiping_everything():
            return super().handle(**options)
