"""The alert jobs the worker runs."""

from django_tasks import task

from accord.alerts.services import do_send_due


@task()
def send_alerts() -> int:
    """Send every alert delivery that is due; the number attempted."""
    return do_send_due()
