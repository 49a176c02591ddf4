"""accord worker: score and route captured leads in batches as they arrive (a thread of its own,
woken by PostgreSQL's NOTIFY, polling on SQLite), their reps' alerts sent as each batch commits
(a thread woken by the batches); run the queued jobs (alert deliveries, imports,
rescoring) and, every minute, the
SLA breach sweep, a sweep of the alert outbox (retries, and deliveries a stopped worker left)
and one of the checks and imports a stopped worker left running;
every ten minutes, the default dashboard's attribution worked out again if the data changed;
daily, the dashboard's rollups rebuilt from the records;
every ACCORD_SYNC_SECONDS, each connected CRM synced (in a thread of its own too);
hourly, forget jobs finished more than a day ago. The dashboard's work-outs (up to a minute on a
large database) run in a thread of their own, so alerts and imports never wait behind them.
SIGTERM or Ctrl+C stops it once the delivery and the work-out in hand are done.
It runs every app's jobs, so it lives in the top layer, beside `accord serve`."""

import logging
import signal
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from accord.alerts.conf import delivery_policy
from accord.alerts.health import do_beat
from accord.alerts.services import do_send_due
from accord.alerts.tasks import STOPPING, send_alerts
from accord.capture.batches import BATCH_SPACING, do_process_all_waiting, do_process_captures
from accord.capture.wakeups import Wakeups
from accord.crm_sync.tasks import SYNC_SECONDS, sync_crms
from accord.env import env_int
from accord.handoff.tasks import mark_breaches
from accord.imports.runs.tasks import fail_stopped_runs
from accord.logs import current_request_id
from accord.metrics.tasks import rebuild_dashboard_rollups, work_out_dashboard

logger = logging.getLogger(__name__)
DASHBOARD_SECONDS = env_int("ACCORD_WORKER_DASHBOARD_SECONDS", 600)
ROLLUPS_SECONDS = 24 * 3600


class Command(BaseCommand):
    help = "Send queued alerts and sweep SLA breaches periodically, until SIGTERM."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=env_int("ACCORD_WORKER_SWEEP_SECONDS", 60),
            help="seconds between SLA breach sweeps and outbox sweeps (default 60)",
        )
        parser.add_argument(
            "--poll", type=float, default=1.0, help="seconds between looks for queued jobs"
        )
        parser.add_argument(
            "--capture-poll",
            type=float,
            default=0.25,
            help="on SQLite, seconds between looks for captures to route (PostgreSQL is told)",
        )
        parser.add_argument(
            "--reassign-on-breach",
            action="store_true",
            help="give a lead whose first touch was missed to the next available rep",
        )
        parser.add_argument(
            "--once", action="store_true", help="sweep once, run every queued job, then exit"
        )

    def handle(self, *, every, poll, capture_poll, reassign_on_breach, once, **options):
        if every <= 0 or poll <= 0 or capture_poll <= 0:
            raise CommandError("--every, --poll and --capture-poll must be positive seconds")
        self.capture_poll = capture_poll
        delivery_policy()  # a bad delivery setting stops the worker now, not at the first alert
        self.stopping = threading.Event()
        self.alerts_queued = threading.Event()  # set by the captures' thread after its batches
        STOPPING.clear()
        self.workers = {}
        worker_id = f"accord-{get_random_string(12)}"
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self._loop(worker_id, every, poll, reassign_on_breach, once)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Accord worker stopped.")

    def _loop(self, worker_id, every, poll, reassign_on_breach, once):
        self.stdout.write(
            f"Accord worker {worker_id}: SLA breach sweep every {every:g} s"
            f"{', reassigning missed first touches' if reassign_on_breach else ''}. "
            "SIGTERM or Ctrl+C stops it."
        )
        self.stdout.flush()
        threads = []
        if not once:
            threads = [
                threading.Thread(target=self._run_beside, args=(queue, worker_id, poll), name=queue)
                for queue in ("dashboard", "sync")
            ]
            threads.append(threading.Thread(target=self._route_captures, name="captures"))
            threads.append(threading.Thread(target=self._send_routed_alerts, name="alerts"))
            for thread in threads:
                thread.start()
        try:
            self._sweep_and_run(worker_id, every, poll, reassign_on_breach, once)
        finally:
            self.stopping.set()
            self.alerts_queued.set()
            for thread in threads:
                thread.join()

    def _sweep_and_run(self, worker_id, every, poll, reassign_on_breach, once):
        next_sweep = next_prune = next_dashboard = next_beat = next_sync = 0.0
        next_rollups = time.monotonic() + ROLLUPS_SECONDS  # migrate and the demo built them
        while not self.stopping.is_set():
            if time.monotonic() >= next_sweep:
                mark_breaches.enqueue(reassign_on_breach=reassign_on_breach)
                send_alerts.enqueue()
                fail_stopped_runs.enqueue()
                next_sweep = time.monotonic() + every
            if time.monotonic() >= next_dashboard:
                # a minute of work on ten million touches when the data changed, so not often
                work_out_dashboard.enqueue()
                next_dashboard = time.monotonic() + DASHBOARD_SECONDS
            if time.monotonic() >= next_rollups:
                rebuild_dashboard_rollups.enqueue()
                next_rollups = time.monotonic() + ROLLUPS_SECONDS
            if time.monotonic() >= next_sync:
                sync_crms.enqueue()  # each connected CRM; none connected: nothing to do
                next_sync = time.monotonic() + SYNC_SECONDS
            if time.monotonic() >= next_prune:
                # finished jobs are kept a day for inspection in the admin
                call_command("prune_db_task_results", "--min-age-days", "1", verbosity=0)
                next_prune = time.monotonic() + 3600
            if time.monotonic() >= next_beat:
                do_beat()  # read by /healthz?deep=1
                next_beat = time.monotonic() + 10
            if once:
                do_process_all_waiting()
            self._run_queued(worker_id, "default")
            if once:
                self._run_queued(worker_id, "dashboard")
                self._run_queued(worker_id, "sync")
                break
            self.stopping.wait(poll)

    def _run_beside(self, queue: str, worker_id: str, poll: float) -> None:
        """A long-running queue (the dashboard's work-outs, the CRM syncs) in its own thread
        until the worker stops; the database being busy or away for a moment is logged and
        tried again, not the end of the thread."""
        try:
            while not self.stopping.is_set():
                try:
                    self._run_queued(worker_id, queue)
                except DatabaseError:
                    logger.exception("the %s queue could not be read; trying again", queue)
                    connection.close()
                self.stopping.wait(poll)
        finally:
            connection.close()  # this thread's own connection

    def _route_captures(self) -> None:
        """Score and route the captures waiting, batch after batch (their starts at least
        `BATCH_SPACING` apart), then wait to be told of more (`capture/wakeups.py`); the
        database being away for a moment is logged and tried again. A batch stopped half-way
        is rolled back and taken again by the next run."""
        wakeups = Wakeups(self.capture_poll, self.stopping)
        started = 0.0
        try:
            while not self.stopping.is_set():
                try:
                    while not self.stopping.wait(started + BATCH_SPACING - time.monotonic()):
                        started = time.monotonic()
                        if not do_process_captures().captures:  # batch after batch
                            break
                        self.alerts_queued.set()  # its alerts, sent as it commits
                    wakeups.wait()
                except DatabaseError:
                    logger.exception("captures could not be routed; trying again")
                    connection.close()
                    self.stopping.wait(self.capture_poll)
        finally:
            connection.close()  # this thread's own connection

    def _send_routed_alerts(self) -> None:
        """Send the alerts of the leads just routed as soon as their batch commits, rather than
        at the next look at the job queue (which also sends them, and every other alert): woken
        by the captures' thread. Two senders never send one delivery twice (its claim)."""
        try:
            while not self.stopping.is_set():
                self.alerts_queued.wait()
                self.alerts_queued.clear()
                try:
                    do_send_due(stop=STOPPING.is_set)
                except DatabaseError:
                    logger.exception("alerts could not be sent; trying again")
                    connection.close()
                    self.stopping.wait(self.capture_poll)
                    self.alerts_queued.set()
        finally:
            connection.close()  # this thread's own connection

    def _run_queued(self, worker_id: str, queue: str) -> None:
        """Every job of `queue` that is ready, one at a time, then back to the loop."""
        worker = self.workers[queue] = RequestWorker(
            queue_names=[queue],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if not self.stopping.is_set():
            worker.run()

    def _stop(self, signum, frame):
        """Finish the job in hand, then leave the loop; say so, as a work-out can take a minute."""
        if not self.stopping.is_set():
            self.stdout.write("Stopping: the worker finishes the job in hand first.")
            self.stdout.flush()
        self.stopping.set()
        STOPPING.set()
        self.alerts_queued.set()
        for worker in list(self.workers.values()):
            worker.running = False


class RequestWorker(Worker):
    """Runs each job under the id of the request that queued it (`accord.audit.jobs`), so the
    job's log lines and history rows can be told apart and traced back to that request."""

    def run_task(self, db_task_result) -> None:
        token = current_request_id.set(db_task_result.args_kwargs.get("request_id", ""))
        try:
            super().run_task(db_task_result)
        finally:
            current_request_id.reset(token)
