"""The sync the worker runs every ACCORD_SYNC_SECONDS."""

from django_tasks import task

from accord.crm_sync.services import do_sync_every_connection
from accord.env import env_int

SYNC_SECONDS = env_int("ACCORD_SYNC_SECONDS", 300)


@task(queue_name="sync")
def sync_crms() -> dict:
    """Every connected CRM synced once; each run's status."""
    return {str(run.connection): run.status for run in do_sync_every_connection()}


@task(queue_name="sync")
def sync_now(connection_id: int, full: bool = False) -> str:
    """One CRM synced now (the page's button)."""
    from accord.crm_sync.models import Connection
    from accord.crm_sync.services import AlreadyRunning, do_sync

    try:
        return do_sync(Connection.objects.get(pk=connection_id), full=full).status
    except AlreadyRunning as running:
        return str(running)
