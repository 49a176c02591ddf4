"""accord rollups --rebuild: work out the dashboard's rollups again from the records."""

import time

from django.core.management.base import BaseCommand, CommandError

from accord.metrics.rollups import rebuild_rollups


class Command(BaseCommand):
    help = (
        "Work out the dashboard's rollups again from the records (after a restore, or changes "
        "made around Accord)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="rebuild every rollup (required)"
        )

    def handle(self, *args, rebuild, **options):
        if not rebuild:
            raise CommandError("say --rebuild to work every rollup out again")
        started = time.perf_counter()
        rebuilt = rebuild_rollups()
        self.stdout.write(
            f"Rebuilt the dashboard's rollups: {rebuilt.people:,} people, "
            f"{rebuilt.handoffs:,} handoffs, {rebuilt.journeys:,} journeys "
            f"in {time.perf_counter() - started:.1f} s"
        )
