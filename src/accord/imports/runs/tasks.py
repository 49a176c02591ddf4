"""The import job the worker runs."""

from django_tasks import task

from accord.imports.runs.services import do_fail_stopped_runs, do_run


@task()
def run_import(run_id: int) -> str:
    """Check or import one uploaded file; the status it ended with."""
    return do_run(run_id).status


@task()
def fail_stopped_runs() -> int:
    """End as failed the checks and imports whose worker stopped; how many."""
    return len(do_fail_stopped_runs())
