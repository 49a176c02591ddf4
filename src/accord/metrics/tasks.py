"""The dashboard job the worker runs."""

from django_tasks import task

from accord.metrics.warm import work_out_default_dashboard


@task()
def work_out_dashboard() -> None:
    """Keep the default dashboard's attribution worked out as the data changes."""
    work_out_default_dashboard()
