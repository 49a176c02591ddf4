from pathlib import Path

from django.core.management.base import BaseCommand

from accord.imports.services import EXPORTS, write_export


class Command(BaseCommand):
    help = (
        "Export people, accounts, opportunities or touchpoints as CSV that `accord import` reads "
        "back, or the whole lifecycle history (email, from_stage, to_stage, at, reason). Cells a "
        "spreadsheet would run as formulas are prefixed with an apostrophe."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=EXPORTS)
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path = options["file"]
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            written = write_export(options["kind"], handle, destination=str(path))
        self.stdout.write(f"Exported {written:,} {options['kind']} to {path}")
