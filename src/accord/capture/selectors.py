"""What a capture became, for the key that sent it, and how far behind the worker is."""

import datetime as dt

from django.db.models import Count, Min
from django.utils import timezone

from accord.capture.models import Capture

# a capture waiting longer than this for the worker shows on /healthz?deep=1 and the admin
LATE_AFTER = dt.timedelta(minutes=1)
STATUS_PATH = "/api/v1/captures/"  # a capture's id follows


def status_url(capture_id: int) -> str:
    return f"{STATUS_PATH}{capture_id}"


def waiting_for_worker() -> tuple[int, dt.datetime | None]:
    """How many captures wait for the worker, and when the oldest of them arrived."""
    found = Capture.objects.filter(status=Capture.Status.RECEIVED).aggregate(
        n=Count("pk"), oldest=Min("received_at")
    )
    return found["n"], found["oldest"]


def count_routed() -> int:
    """How many captures the worker (or a request that waited) handed to a rep, ever."""
    return Capture.objects.filter(status=Capture.Status.ROUTED).count()


def check_captures() -> str | None:
    """None when no capture has waited for the worker more than a minute; else what is late."""
    count, oldest = waiting_for_worker()
    if oldest is None or timezone.now() - oldest <= LATE_AFTER:
        return None
    waited = round((timezone.now() - oldest).total_seconds())
    return f"{count} captures wait for the worker, the oldest for {waited} s"


def capture_status(capture_id: int, user) -> dict | None:
    """The capture as its sender may follow it: its status, the person's score and stage now,
    and the handoff once made; None when it is not this user's (or does not exist)."""
    capture = (
        Capture.objects.filter(pk=capture_id, captured_by=user)
        .select_related("person__lead_score", "handoff")
        .first()
    )
    if capture is None:
        return None
    return status_of(capture)


def status_of(capture: Capture) -> dict:
    person, handoff = capture.person, capture.handoff
    score = getattr(person, "lead_score", None)
    scored = capture.status != Capture.Status.RECEIVED and score is not None
    return {
        "capture_id": capture.pk,
        "status": capture.status,
        "status_url": status_url(capture.pk),
        "person_id": person.pk,
        "created": capture.person_created,
        "received_at": capture.received_at,
        "processed_at": capture.processed_at,
        "lifecycle_stage": person.lifecycle_stage,
        "score": score.total if scored else None,
        "grade": score.fit_grade if scored else None,
        "is_mql": score.is_mql if scored else None,
        "touchpoint_id": capture.touchpoint_id,
        "handoff_id": handoff.pk if handoff else None,
        "owner_id": handoff.assigned_to_id if handoff else None,
    }
