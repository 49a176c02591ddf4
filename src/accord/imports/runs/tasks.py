"""The import job the worker runs."""

from django_tasks import task

from accord.imports.runs.services import do_run


@task()
def run_import(run_id: int) -> str:
    """Check or import one uploaded file; the status it ended with."""
    return do_run(run_id).status
