import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.audit.backup import RestoreRefused, do_restore


class Command(BaseCommand):
    help = (
        "Load a file written by `accord backup` into this empty, migrated database (SQLite or "
        "PostgreSQL), all of it or nothing. Refused: a backup from a newer Accord, one that lacks "
        "a table or has one too many, a file that differs from its SHA-256 in the manifest and, "
        "with ACCORD_BACKUP_KEY set, a manifest not signed with it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args, file, quiet, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            tables = do_restore(file, progress=not quiet and sys.stderr.isatty())
        except RestoreRefused as refused:
            raise CommandError(f"{file} was not restored: {refused}; nothing was written") from None
        rows = sum(t.rows for t in tables)
        self.stdout.write(f"Restored {rows:,} rows of {len(tables)} tables from {file}")
