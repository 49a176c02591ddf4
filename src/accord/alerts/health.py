"""Is `accord worker` alive and keeping up? Its loop leaves a heartbeat in the shared cache; the
deep health check and /metrics read it beside the jobs waiting in the queue."""

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

HEARTBEAT_KEY = "accord:worker:heartbeat"


def do_beat() -> None:
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


def heartbeat_age() -> dt.timedelta | None:
    """How long ago the worker last beat; None when it never has."""
    beat = cache.get(HEARTBEAT_KEY)
    return None if beat is None else timezone.now() - dt.datetime.fromisoformat(beat)


def waiting_jobs() -> dict[str, tuple[int, dt.datetime]]:
    """Each queue with jobs ready to run: how many, and when the oldest was queued."""
    rows = (
        DBTaskResult.objects.ready()
        .values_list("queue_name")
        .annotate(n=Count("pk"), oldest=Min("enqueued_at"))
        .order_by()
    )
    return {queue: (n, oldest) for queue, n, oldest in rows}


def check_worker() -> str | None:
    """None when the worker beat lately and no job has waited too long; else what is wrong."""
    now = timezone.now()
    # a long import runs inside the loop, so the heartbeat may pause for minutes without a fault
    stale_after = dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    age = heartbeat_age()
    if age is None:
        return "the worker has never run (start accord worker)"
    if age > stale_after:
        return f"the worker's last heartbeat was {round(age.total_seconds())} s ago"
    oldest = (
        DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True)
    ).first()
    if oldest is not None and now - oldest > stale_after:
        return f"the oldest queued job has waited {round((now - oldest).total_seconds())} s"
    return None
