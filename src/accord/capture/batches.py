"""The worker's side of a capture: score the people of a batch of captures and route the MQLs.

A batch is one transaction: the captures still `received` are claimed (locked and skipped by any
other worker on PostgreSQL; SQLite has one writer at a time), the funnel's rollups brought up to
date for their people (made or given an account by the requests), their people rescored together
under the agreement in force (which promotes MQLs, recycle pause and all), the MQLs routed with
one locking read of the routing members, and the handoffs, their alerts (the outbox) and the
captures' new status written. A worker that stops half-way through a batch commits nothing of
it, so the next batch takes the same captures again: each is routed once. Two captures of one
person in a batch score and route that person once, and both answer with the one handoff.
"""

import datetime as dt
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accord.agreement.models import AgreementVersion
from accord.agreement.selectors import get_agreement_in_force
from accord.agreement.services import do_rescore_people
from accord.capture.models import Capture
from accord.columns import writes
from accord.crm import rollups
from accord.crm.models import LifecycleStage, Person
from accord.handoff.routing import route_batch
from accord.handoff.terms import SlaTerms

BATCH_SIZE = 500
# Seconds at least between the starts of two batches while captures keep arriving: a batch has
# a fixed cost (its statements, the scoring engine's set-up) beside its cost per lead, so a
# trickle of captures is taken a few at a time rather than one by one, for at most this delay
# more. Under load a batch takes longer than this and none waits.
BATCH_SPACING = 0.2
WAIT_STEP = 0.05  # seconds between looks while the worker holds a capture a caller waits for


@dataclass(frozen=True)
class BatchResult:
    captures: int
    people: int
    routed: int


def sla_terms(version: AgreementVersion) -> SlaTerms:
    sla = version.document.sla
    return SlaTerms(
        first_touch_hours=sla.first_touch_working_hours,
        decision_days=sla.accept_within_working_days,
        agreement_version=version.number,
    )


def waiting_captures():
    return Capture.objects.filter(status=Capture.Status.RECEIVED)


@transaction.atomic
def do_process_captures(*, limit: int = BATCH_SIZE, only: list[int] | None = None) -> BatchResult:
    """Score and route the oldest `limit` captures waiting (or those of `only` still waiting),
    as one batch; what it did."""
    waiting = waiting_captures()
    if only is not None:
        waiting = waiting.filter(pk__in=only)
    claimed = list(
        waiting.select_for_update(skip_locked=True)
        .order_by("id")
        .values_list("pk", "person_id", "received_at")[:limit]
    )
    if not claimed:
        return BatchResult(0, 0, 0)
    first_captured: dict[int, dt.datetime] = {}
    for _, person_id, received_at in claimed:
        first_captured.setdefault(person_id, received_at)
    person_ids = sorted(first_captured)
    version = get_agreement_in_force()
    # the funnel's rollups of the people the requests made or gave an account, and of those the
    # rescoring promotes: worked out once for the batch, before the routing's SLA rollup
    with rollups.refreshed_once():
        rollups.refresh_people(person_ids)
        do_rescore_people(person_ids, version)
    handoffs = {}
    if version is not None:
        # the MQLs (only they are routed) locked in id order, as every router locks people,
        # before the routing members
        people = list(
            Person.objects.select_for_update(of=("self",))
            .select_related("account")
            .filter(pk__in=person_ids, lifecycle_stage=LifecycleStage.MQL)
            .order_by("pk")
        )
        handoffs = route_batch(people, sla_terms(version), captured_at=first_captured)
    now = timezone.now()
    writes.update_rows(
        Capture,
        ("status", "processed_at", "handoff_id"),
        (_processed(pk, handoffs.get(person_id), now) for pk, person_id, _ in claimed),
    )
    return BatchResult(len(claimed), len(person_ids), len(handoffs))


def _processed(pk: int, handoff, now: dt.datetime) -> tuple:
    """A capture's row as the batch leaves it: routed with the handoff, or scored."""
    if handoff is None:
        return (Capture.Status.SCORED.value, now, None, pk)
    return (Capture.Status.ROUTED.value, now, handoff.pk, pk)


def do_process_all_waiting(*, limit: int = BATCH_SIZE) -> int:
    """Batches until no capture waits; how many captures were processed."""
    done = 0
    while batch := do_process_captures(limit=limit).captures:
        done += batch
    return done


def do_wait_for(capture_ids: list[int], seconds: float) -> None:
    """Route these captures now, in the caller's request, unless a worker already holds them;
    then wait at most `seconds` for the worker to finish those it holds."""
    deadline = time.monotonic() + seconds
    do_process_captures(only=capture_ids)
    while time.monotonic() < deadline:
        if not waiting_captures().filter(pk__in=capture_ids).exists():
            return
        time.sleep(WAIT_STEP)
        do_process_captures(only=capture_ids)  # a worker that gave up leaves them to us
