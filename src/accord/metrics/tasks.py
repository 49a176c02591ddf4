"""The dashboard job the worker runs."""

from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accord.metrics.queries import WorkedOut
from accord.metrics.warm import work_out_default_dashboard


@task()
def work_out_dashboard() -> None:
    """Keep the default dashboard's attribution worked out as the data changes."""
    work_out_default_dashboard()


def work_out_again_if_changed(result: WorkedOut) -> WorkedOut:
    """Credit answered from before the data last changed (`earlier_ok`) asks the worker to work
    it out again, unless a work-out is already waiting for it: reading every touch takes up to a
    minute on a large database."""
    if result.data_changed_since:
        waiting = DBTaskResult.objects.filter(
            task_path=work_out_dashboard.module_path, status=TaskResultStatus.READY
        )
        if not waiting.exists():
            work_out_dashboard.enqueue()
    return result
