"""Is Accord running as it should? One list of checks, read by `/healthz?deep=1` (for a load
balancer or a monitor) and by the admins' health page (for a person), so both say the same."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.utils.crypto import get_random_string

from accord.alerts.health import check_worker, heartbeat_age, waiting_jobs
from accord.capture.selectors import check_captures, waiting_for_worker


@dataclass(frozen=True)
class Check:
    part: str  # the key in /healthz?deep=1's answer
    label: str
    problem: str | None  # None when healthy

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class WorkerState:
    """What the page shows beside the checks: how far behind the worker is."""

    heartbeat_age: dt.timedelta | None
    captures_waiting: int
    oldest_capture_wait: dt.timedelta | None
    jobs_waiting: dict[str, int]


def check_database() -> None:
    """The database answers (raises when it does not): `/healthz`'s cheap check."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> str | None:
    token = get_random_string(16)
    cache.set("accord:health", token, timeout=60)
    return None if cache.get("accord:health") == token else "a value written was not read back"


CHECKS: list[tuple[str, str, Callable[[], str | None]]] = [
    ("database", "Database", check_database),
    ("cache", "Shared cache", _check_cache),
    ("worker", "Worker (accord worker)", check_worker),
    ("captures", "Captured leads waiting to be routed", check_captures),
]


def _run(check: Callable[[], str | None]) -> str | None:
    try:
        return check()
    except Exception as exc:  # a part that cannot even be asked is failing, with why
        return f"{type(exc).__name__}: {exc}"


def system_checks() -> list[Check]:
    return [Check(part, label, _run(check)) for part, label, check in CHECKS]


def worker_state(now: dt.datetime) -> WorkerState:
    count, oldest = waiting_for_worker()
    return WorkerState(
        heartbeat_age=heartbeat_age(),
        captures_waiting=count,
        oldest_capture_wait=None if oldest is None else now - oldest,
        jobs_waiting={queue: n for queue, (n, _) in sorted(waiting_jobs().items())},
    )
