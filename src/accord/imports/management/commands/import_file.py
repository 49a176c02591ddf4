import sys
import zoneinfo
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.imports.engine import ImportRefused, ReadOptions
from accord.imports.formats.base import DATE_ORDERS
from accord.imports.services import do_import_file

SHOWN_ERRORS = 100


class Command(BaseCommand):
    help = (
        "Import a HubSpot (contacts, companies, deals, calls, meetings, e-mails), Salesforce "
        "(leads, contacts, accounts, opportunities, tasks, events), Accord or touchpoints export: "
        "CSV (UTF-8, UTF-16, Windows-1252 or ISO-8859-1; comma, semicolon or tab) or an XLSX "
        "workbook. The format is recognised from the header row. A file with any bad row is "
        "refused whole."
    )
    # The system checks import every page and API module (the URL configuration) before the
    # first row is read: seconds of start-up that a command-line import does not need.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--date-format",
            choices=tuple(DATE_ORDERS),
            help="the order of numeric dates such as 03/02/2023, for a file whose dates all "
            "read both ways (otherwise each date column's own values decide)",
        )
        parser.add_argument(
            "--time-zone",
            default="UTC",
            help="IANA time zone of the times the file writes without one (default UTC)",
        )
        parser.add_argument("--sheet", help="the sheet of an XLSX workbook (default the first)")
        parser.add_argument(
            "--map-unknown",
            choices=("other",),
            help="import lifecycle stages no mapping names as other (and say how many)",
        )
        parser.add_argument(
            "--emptied-campaign",
            action="append",
            default=[],
            metavar="CAMPAIGN_ID",
            help="with a campaign member file: a campaign (its CRM id) whose every member was "
            "removed in the CRM, so the file has no row for it; the touches of the members an "
            "earlier import took are archived (repeat for several)",
        )

    def handle(self, *args, **options):
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        progress = not options["quiet"] and sys.stderr.isatty()
        try:
            zoneinfo.ZoneInfo(options["time_zone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = options["time_zone"]
            raise CommandError(f"--time-zone: {zone!r} is not an IANA time zone") from None
        reading = ReadOptions(
            options["date_format"],
            options["time_zone"],
            options["sheet"],
            options["map_unknown"],
            tuple(options["emptied_campaign"]),
        )
        try:
            report = do_import_file(
                path, dry_run=options["dry_run"], progress=progress, options=reading
            )
        except ImportRefused as refused:
            lines = [str(refused), *(f"  {e}" for e in refused.errors[:SHOWN_ERRORS])]
            if len(refused.errors) > SHOWN_ERRORS:
                lines.append(f"  ... and {len(refused.errors) - SHOWN_ERRORS:,} more")
            raise CommandError("\n".join(lines)) from None
        verb = "Would import" if report.dry_run else "Imported"
        self.stdout.write(
            f"{verb} {report.file_name} as {report.format_name} (read as {report.read_as}):"
        )
        for name, counts in report.counts.items():
            if name == "people" or counts.created or counts.updated or counts.unchanged:
                self.stdout.write(
                    f"  {name:<14} {counts.created:>9,} created  {counts.updated:>9,} updated  "
                    f"{counts.unchanged:>9,} unchanged"
                )
        for note in report.notes:
            self.stdout.write(f"  {note}")
        if report.dry_run:
            self.stdout.write("Dry run: nothing was written.")
        if options["verbosity"] >= 2:
            for phase, seconds in report.timings.items():
                self.stdout.write(f"  {phase:<24} {seconds:8.2f} s")
