"""accord sync hubspot [--once] [--full]: keep Accord in step with a CRM by hand, with a
progress bar; without --once, again every ACCORD_SYNC_SECONDS until Ctrl+C."""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accord.crm_sync.models import Connection, SyncRun
from accord.crm_sync.services import AlreadyRunning, Progress, do_sync
from accord.crm_sync.tasks import SYNC_SECONDS


class Command(BaseCommand):
    help = "Pull what changed in a CRM and write back what Accord owns."
    # The system checks import every page and API module before the first record: seconds of
    # start-up a sync does not need (as for `accord import`).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("crm", choices=Connection.Kind.values)
        parser.add_argument("--once", action="store_true", help="one sync, then exit")
        parser.add_argument(
            "--full",
            action="store_true",
            help="read every record again, not only changes, and look at every one for values "
            "to write back",
        )

    def handle(self, *, crm, once, full, **options):
        connection, _ = Connection.objects.get_or_create(kind=crm)
        while True:
            run = self._sync(connection, full, options["verbosity"] > 0)
            self._report(run)
            if once:
                if run.status == SyncRun.Status.FAILED:
                    raise CommandError(run.message)
                return
            full = False
            time.sleep(SYNC_SECONDS)

    def _sync(self, connection, full, show):
        bars: dict[tuple, tqdm] = {}

        def progress(p: Progress):
            key = (p.object.name, p.phase)
            if key not in bars:
                for bar in bars.values():
                    bar.close()
                verb = "pulling" if p.phase == "pull" else "writing back"
                bars[key] = tqdm(
                    desc=f"{verb} {p.object.label}", unit=" records", disable=not show, leave=True
                )
            bar = bars[key]
            if p.total is not None and bar.total != p.total:
                bar.total = p.total
            bar.update(p.done - bar.n)

        try:
            return do_sync(connection, full=full, progress=progress)
        except AlreadyRunning as running:
            raise CommandError(str(running)) from None
        finally:
            for bar in bars.values():
                bar.close()

    def _report(self, run):
        took = (run.finished_at - run.started_at).total_seconds()
        lines = [f"{run.connection} sync {run.get_status_display().lower()} in {took:.1f} s"]
        for obj, counts in run.counts.items():
            said = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
            lines.append(f"  {obj}: {said}")
        for problem in run.problems.all()[:20]:
            lines.append(f"  skipped {problem.object} {problem.remote_id}: {problem.reason}")
        if (more := run.problems.count() - 20) > 0:
            lines.append(f"  … and {more} more on the sync page")
        self.stdout.write("\n".join(lines))
