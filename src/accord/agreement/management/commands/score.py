from django.core.management.base import BaseCommand, CommandError

from accord.agreement.services import do_rescore_all, do_rescore_people


class Command(BaseCommand):
    help = "Rescore people under the agreement in force; leads who qualify become MQLs."
    # The system checks import every page and API module (the URL configuration) first: about a
    # second of a nightly rescore that only reads and writes scores.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("person_ids", nargs="*", type=int, metavar="PERSON_ID")
        parser.add_argument("--all", action="store_true", help="rescore everybody")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, person_ids, **options):
        if options["all"] == bool(person_ids):
            raise CommandError("give either --all or some person ids")
        if options["all"]:
            result = do_rescore_all(progress=not options["no_progress"])
        else:
            result = do_rescore_people(person_ids)
        if result is None:
            raise CommandError("no agreement is in force yet: both heads must sign one first")
        self.stdout.write(
            f"Scored {result.scored:,} people under agreement v{result.version}: "
            f"{result.changed:,} scores changed, "
            f"{result.mqls:,} qualify as MQLs, {result.new_mqls:,} newly moved to MQL."
        )
