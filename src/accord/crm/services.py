"""Writes to the shared database that users cause, each with its history row."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accord.crm.models import LifecycleChange, LifecycleStage, Person


def check_lifecycle_stage(stage: str) -> str:
    if stage not in LifecycleStage.values:
        raise ValueError(
            f"Unknown lifecycle stage {stage!r}; expected one of {LifecycleStage.values}"
        )
    return stage


@transaction.atomic
def do_change_lifecycle_stage(
    person: Person, to_stage: str, *, by=None, reason: str = "", at=None
) -> bool:
    """Move a person to another funnel stage and record the move. Returns False if already there."""
    check_lifecycle_stage(to_stage)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.lifecycle_stage == to_stage:
        return False
    at = at or timezone.now()
    LifecycleChange.objects.create(
        person=locked,
        from_stage=locked.lifecycle_stage,
        to_stage=to_stage,
        changed_at=at,
        changed_by=by,
        reason=reason,
    )
    locked.lifecycle_stage = to_stage
    locked.save(update_fields=["lifecycle_stage", "updated_at"])
    person.lifecycle_stage = to_stage
    return True


def do_record_lifecycle_changes(
    changes: Iterable[tuple[int, str, str]], *, by=None, reason: str = "", at=None, batch_size=5000
) -> int:
    """History rows for stage moves already applied in bulk: (person_id, from_stage, to_stage).

    Bulk writers (imports, rescoring) update stages with one UPDATE and call this in the same
    transaction, so no move is ever missing from the history.
    """
    at = at or timezone.now()
    rows = (
        LifecycleChange(
            person_id=pid, from_stage=old, to_stage=new, changed_at=at, changed_by=by, reason=reason
        )
        for pid, old, new in changes
        if old != new
    )
    created = 0
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            created += len(LifecycleChange.objects.bulk_create(batch))
            batch = []
    if batch:
        created += len(LifecycleChange.objects.bulk_create(batch))
    return created
