import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.audit.backup import do_backup


class Command(BaseCommand):
    help = (
        "Write the whole database to FILE: a zip of one JSON-lines file per table and a manifest "
        "of the schema, row counts and each file's SHA-256 (signed with ACCORD_BACKUP_KEY when it "
        "is set), which `accord restore` loads on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args, file, quiet, **options):
        try:
            report = do_backup(file, progress=not quiet and sys.stderr.isatty())
        except OSError as exc:
            raise CommandError(f"cannot write {file}: {exc.strerror or exc}") from None
        self.stdout.write(
            f"Backed up {report.rows:,} rows of {len(report.tables)} tables to {file}"
        )
