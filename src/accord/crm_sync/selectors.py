"""Reads about the CRM sync's runs, for /metrics."""

from django.db.models import Count

from accord.crm_sync.models import SyncProblem, SyncRun


def count_runs() -> dict[tuple[str, str], int]:
    """Runs kept, by (CRM, status): running, done, failed."""
    rows = (
        SyncRun.objects.values_list("connection__kind", "status").annotate(n=Count("pk")).order_by()
    )
    return {(kind, status): n for kind, status, n in rows}


def count_problems() -> dict[tuple[str, str], int]:
    """Records the runs skipped or could not write back, by (CRM, direction): pull, push."""
    rows = (
        SyncProblem.objects.values_list("run__connection__kind", "direction")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(kind, direction): n for kind, direction, n in rows}
