"""The alert jobs the worker runs."""

import threading

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from accord.alerts.services import do_send_due, next_retry_at

# Set when the worker is asked to stop: the delivery in hand finishes, the rest wait queued.
STOPPING = threading.Event()


@task()
def send_alerts() -> int:
    """Send every alert delivery that is due, and be back when the next retry is; the number
    attempted."""
    sent = do_send_due(stop=STOPPING.is_set)
    retry_at = next_retry_at()
    if retry_at is not None and not _already_queued(retry_at):
        send_alerts.using(run_after=retry_at).enqueue()
    return sent


def wake() -> None:
    """Queue `send_alerts` unless a job of it is waiting to run. Called after a commit: the
    waiting job has not yet read the outbox, so it sends what this transaction queued, and a
    burst of captures makes one job rather than one per alert."""
    if not DBTaskResult.objects.ready().filter(task_path=send_alerts.module_path).exists():
        send_alerts.enqueue()


def _already_queued(moment) -> bool:
    return DBTaskResult.objects.filter(
        task_path=send_alerts.module_path, status="READY", run_after__lte=moment
    ).exists()
