import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from accord.web.server import serve


class Command(BaseCommand):
    help = "Serve the web app and API with gunicorn (migrating the database first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=min(4, (os.cpu_count() or 1) * 2))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-migrate", action="store_true")
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="also run `accord worker` (alerts, SLA sweeps, imports) until the server stops",
        )

    def handle(self, *args, host, port, workers, threads, no_migrate, with_worker, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        beside = " with the worker beside it (Ctrl-C stops both)" if with_worker else " (Ctrl-C)"
        self.stdout.write(f"Accord is serving on http://{host}:{port}/{beside}")
        self.stdout.flush()
        serve(host, port, workers, threads, with_worker=with_worker)
