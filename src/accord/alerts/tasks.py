"""The alert jobs the worker runs."""

import threading

from django_tasks import task

from accord.alerts.services import do_send_due

# Set when the worker is asked to stop: the delivery in hand finishes, the rest wait queued.
STOPPING = threading.Event()


@task()
def send_alerts() -> int:
    """Send every alert delivery that is due; the number attempted."""
    return do_send_due(stop=STOPPING.is_set)
