"""Writing the audit trail. Services that change what the trail covers call these themselves,
inside their own transaction, so a rolled-back change leaves no history and no change lacks one.

- `record_change(...)`: one row, for one field of one record (or one export).
- `record_changes(rows, ...)`: many rows that share actor, action, record type, field and reason,
  written column-wise in batches (COPY on PostgreSQL), for imports and rescoring.
- `record_diff(...)`: one row per field whose value differs between two dicts of one record.
"""

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.utils import timezone

from accord.audit.models import AuditEntry
from accord.columns import writes
from accord.logs import current_request_id

if TYPE_CHECKING:  # Polars is imported when a frame of changes is written
    import polars as pl

Action = AuditEntry.Action
RecordType = AuditEntry.RecordType
BATCH = 20_000


def new_request_id() -> str:
    return uuid.uuid4().hex


def as_text(value: object) -> str:
    """How a value reads in the history: empty for none, ISO for times, plain for the rest."""
    if type(value) is str:  # most values of a bulk change: stages, owners read back as text
        return value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "pk"):
        return "" if value.pk is None else str(value.pk)
    return str(value)


# Who made a change: a user (or its id); None for Accord itself (an import, a rescore, the worker)
Actor = object


def _actor_id(actor: Actor) -> int | None:
    return cast(int | None, getattr(actor, "pk", actor))


def record_change(
    *,
    actor: Actor,
    action: str,
    record_type: str,
    record_id: int | str = "",
    field: str = "",
    old: object = None,
    new: object = None,
    reason: str = "",
    at: dt.datetime | None = None,
    request_id: str | None = None,
) -> AuditEntry:
    """One history row. `actor` is a user, a user id, or None for the system."""
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        actor_id=_actor_id(actor),
        action=action,
        record_type=record_type,
        record_id=as_text(record_id),
        field=field,
        old_value=as_text(old),
        new_value=as_text(new),
        reason=reason[:500],
        request_id=request_id if request_id is not None else current_request_id.get(),
    )


def record_diff(
    *,
    actor: Actor,
    record_type: str,
    record_id: int | str,
    old: Mapping[str, object],
    new: Mapping[str, object],
    action: str = Action.CHANGED,
    reason: str = "",
    at: dt.datetime | None = None,
) -> int:
    """A row for each field of `new` whose value differs from `old`; returns how many."""
    at = at or timezone.now()
    written = 0
    for field, value in new.items():
        before = old.get(field)
        if as_text(before) != as_text(value):
            record_change(
                actor=actor,
                action=action,
                record_type=record_type,
                record_id=record_id,
                field=field,
                old=before,
                new=value,
                reason=reason,
                at=at,
            )
            written += 1
    return written


_BULK_FIELDS = (
    "at",
    "actor_id",
    "action",
    "record_type",
    "record_id",
    "field",
    "old_value",
    "new_value",
    "reason",
    "request_id",
)


def record_changes(
    rows: Iterable[tuple[int | str, object, object]],
    *,
    record_type: str,
    field: str,
    actor: Actor = None,
    action: str = Action.CHANGED,
    reason: str = "",
    at: dt.datetime | None = None,
    batch_size: int = BATCH,
) -> int:
    """History rows for changes applied in bulk: each row is (record_id, old, new).

    Rows whose old and new values read the same are skipped. Call it in the transaction that
    made the change; returns how many rows were written.
    """
    at = at or timezone.now()
    head = (at, _actor_id(actor), action, record_type)
    tail = (reason[:500], current_request_id.get())
    written = 0

    def entries() -> Iterator[tuple[object, ...]]:
        nonlocal written
        for record_id, old, new in rows:
            if old == new:
                continue
            old, new = as_text(old), as_text(new)
            if old != new:
                written += 1
                yield (*head, str(record_id), field, old, new, *tail)

    writes.insert_rows(AuditEntry, _BULK_FIELDS, entries(), batch_size=batch_size)
    return written


def record_column_changes(
    changes: "pl.DataFrame",
    *,
    record_type: str,
    field: str,
    actor: Actor = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> int:
    """`record_changes` for a Polars frame of (record_id, old, new) columns, e.g. new scores
    joined to the stored ones (old null for a first value); equal old and new are skipped.

    Written as columns, with what every entry shares given once (a rescore records a quarter
    of a million score changes)."""
    import polars as pl

    if changes.height < writes.FEW:  # a capture's one score: Polars' fixed cost outweighs the rows
        return record_changes(
            changes.iter_rows(),
            record_type=record_type,
            field=field,
            actor=actor,
            reason=reason,
            at=at,
        )
    record_id, old, new = changes.columns
    changed = changes.filter(pl.col(old).is_null() | (pl.col(old) != pl.col(new)))
    entries = changed.select(
        pl.col(record_id).cast(pl.String).alias("record_id"),
        pl.col(old).cast(pl.String).fill_null("").alias("old_value"),
        pl.col(new).cast(pl.String).fill_null("").alias("new_value"),
    )
    shared = {
        "at": at or timezone.now(),
        "actor_id": _actor_id(actor),
        "action": Action.CHANGED.value,
        "record_type": str(record_type),  # a RecordType as its stored text, like the action
        "field": field,
        "reason": reason[:500],
        "request_id": current_request_id.get(),
    }
    writes.insert_frame(AuditEntry, entries, constants=shared)
    return entries.height
