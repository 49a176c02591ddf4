import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from accord.audit.backup import do_backup


class Command(BaseCommand):
    help = (
        "Write the whole database to FILE: a zip of one JSON-lines file per table and a manifest "
        "of the schema and row counts, which `accord restore` loads on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args, file, quiet, **options):
        report = do_backup(file, progress=not quiet and sys.stderr.isatty())
        self.stdout.write(
            f"Backed up {report.rows:,} rows of {len(report.tables)} tables to {file}"
        )
