"""`accord rates import FILE.csv`: keep exchange rates per day, read from a CSV file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.crm.services import RateFileError, do_import_rates


class Command(BaseCommand):
    help = (
        "Exchange rates per day from a CSV file with the columns date, from, to and rate (one "
        "`from` is worth `rate` of `to` on that day): the whole file or nothing, every bad row "
        "listed. A rate already kept for the same day and currencies is replaced."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        read = sub.add_parser("import", help="import rates from a CSV file")
        read.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot read it as UTF-8 text ({exc})") from None
        try:
            result = do_import_rates(text)
        except RateFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Kept {result.created} new rates and replaced {result.updated}.")
