"""The dashboard job the worker runs."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accord.metrics.credit import WorkedOut
from accord.metrics.rollups import rebuild_rollups
from accord.metrics.warm import work_out_default_dashboard

ASKED_AT_MOST_EVERY = dt.timedelta(minutes=1)
RUNNING_AT_MOST = dt.timedelta(minutes=10)  # a work-out of ten million touches takes about one


@task(queue_name="dashboard")
def work_out_dashboard() -> None:
    """Keep the default dashboard's attribution worked out as the data changes."""
    work_out_default_dashboard()


@task(queue_name="dashboard")
def rebuild_dashboard_rollups() -> None:
    """Once a day: the rollups worked out again from the records, taking in what was written
    around the services (the admin, rows deleted by hand)."""
    rebuild_rollups()


def work_out_again_if_changed(result: WorkedOut) -> bool:
    """Whether a work-out is on its way for credit answered from before the data last changed
    (`earlier_ok`); one is queued unless one is waiting or running already, or one finished
    less than a minute ago (a dashboard left open on a busy database would otherwise keep the
    worker reading every touch)."""
    if not result.data_changed_since:
        return False
    now = timezone.now()
    work_outs = DBTaskResult.objects.filter(task_path=work_out_dashboard.module_path)
    waiting = Q(status=TaskResultStatus.READY) | Q(
        status=TaskResultStatus.RUNNING, started_at__gte=now - RUNNING_AT_MOST
    )  # one left "running" by a worker that was killed is not on its way
    if work_outs.filter(waiting).exists():
        return True
    if work_outs.filter(finished_at__gte=now - ASKED_AT_MOST_EVERY).exists():
        return False
    work_out_dashboard.enqueue()
    return True
