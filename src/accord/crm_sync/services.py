"""The sync engine: for each CRM object, pull pages and write each page with its cursor in one
transaction (so a sync stopped at any moment goes on from the last page written, with nothing
written twice), follow removals and merges, then write back what Accord owns and changed.

    run = do_sync(connection, connector, full=False, progress=callback)

A record Accord cannot take is skipped and listed with its id and reason; one never stops the
sync. A CRM that refuses the token or stays unreachable ends the run as failed with the reason
on the connection, for the page."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accord.audit.services import Action, record_change
from accord.crm_sync.connector import Change, Connector, CrmUnreachable, SyncObject
from accord.crm_sync.fields import FIELDS, owners
from accord.crm_sync.models import Connection, Cursor, Side, SyncedRecord, SyncProblem, SyncRun
from accord.crm_sync.pushed import accord_values
from accord.crm_sync.records import apply_page, apply_removals

logger = logging.getLogger(__name__)
PUSH_BATCH = 100  # HubSpot's batch update and Salesforce's sObject collections take 100 and 200


@dataclass(frozen=True)
class Progress:
    """Told after every page: which object, how many records of it so far, of how many."""

    object: SyncObject
    done: int
    total: int | None
    phase: str  # "pull" or "push"


ProgressCallback = Callable[[Progress], None]


def _count(run: SyncRun, obj: SyncObject, key: str, n: int) -> None:
    if n:
        counts = run.counts.setdefault(obj.name, {})
        counts[key] = counts.get(key, 0) + n


def do_sync(
    connection: Connection,
    connector: Connector,
    *,
    full: bool = False,
    progress: ProgressCallback | None = None,
) -> SyncRun:
    """One sync of every object of the connection; the run, done or failed, with its counts."""
    run = SyncRun.objects.create(connection=connection, full=full, started_at=timezone.now())
    try:
        for obj in connector.objects:
            _pull(run, connection, connector, obj, full, progress)
        for obj in connector.objects:
            _push(run, connection, connector, obj, progress)
    except CrmUnreachable as exc:
        run.status, run.message = SyncRun.Status.FAILED, str(exc)
        connection.last_error = str(exc)
    else:
        run.status = SyncRun.Status.DONE
        connection.last_error = ""
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "message", "finished_at", "counts"])
    connection.save(update_fields=["last_error"])
    logger.info("%s sync %s: %s", connection, run.status, run.counts)
    return run


def _pull(run, connection, connector, obj, full, progress) -> None:
    cursor, _ = Cursor.objects.get_or_create(connection=connection, object=obj.name)
    field_owners = owners(connection.kind, obj.name, obj.becomes)
    done = 0
    for page in connector.pull(obj, cursor.value, full=full):
        at = timezone.now()
        with transaction.atomic():
            outcome = apply_page(connection, obj, page.records, field_owners, at=at)
            removed = apply_removals(connection, obj, page.removals, at=at) if page.removals else 0
            cursor.value = page.cursor
            cursor.save(update_fields=["value", "updated_at"])
            _problems(run, obj, SyncProblem.Direction.PULL, outcome.skipped)
            _count(run, obj, "pulled", outcome.pulled - len(outcome.skipped))
            _count(run, obj, "skipped", len(outcome.skipped))
            _count(run, obj, "removed", removed)
            run.save(update_fields=["counts"])
        done += len(page.records)
        if progress:
            progress(Progress(obj, done, page.total, "pull"))


def _problems(run, obj, direction, problems: Sequence[tuple[str, str]]) -> None:
    for remote_id, reason in problems:
        logger.warning("%s %s %s skipped: %s", run.connection, obj.name, remote_id, reason)
    SyncProblem.objects.bulk_create(
        SyncProblem(run=run, object=obj.name, direction=direction, remote_id=rid, reason=reason)
        for rid, reason in problems
    )


def _push(run, connection, connector, obj, progress) -> None:
    """Accord's values of the fields it owns, written back where they differ from the value
    last exchanged with the CRM, in batches; each batch's outcome recorded as it comes back."""
    field_owners = owners(connection.kind, obj.name, obj.becomes)
    pushed = [
        f.name for f in FIELDS[obj.becomes] if f.pushed and field_owners[f.name] == Side.ACCORD
    ]
    if not pushed:
        return
    refused = connector.prepare_push(obj, pushed)
    if refused:
        _problems(run, obj, SyncProblem.Direction.PUSH, [("", r) for r in refused.values()])
        pushed = [name for name in pushed if name not in refused]
    done = 0
    for batch in _changes(connection, connector, obj, pushed):
        results = connector.push(obj, [change for change, _ in batch])
        ok = {w.remote_id for w in results if w.ok}
        with transaction.atomic():
            rows = []
            for change, row in batch:
                if change.remote_id in ok:
                    row.values = row.values | change.fields
                    rows.append(row)
            SyncedRecord.objects.bulk_update(rows, ["values"])
            _problems(
                run,
                obj,
                SyncProblem.Direction.PUSH,
                [(w.remote_id, w.reason) for w in results if not w.ok],
            )
            _count(run, obj, "pushed", len(ok))
            _count(run, obj, "push_failed", len(results) - len(ok))
            run.save(update_fields=["counts"])
        done += len(batch)
        if progress:
            progress(Progress(obj, done, None, "push"))


def _changes(connection, connector, obj, pushed: list[str]):
    """Batches of (change, the record's SyncedRecord) for the records whose Accord value of a
    pushed field differs from the one last exchanged; read a thousand records at a time."""
    batch: list[tuple[Change, SyncedRecord]] = []
    rows = SyncedRecord.objects.filter(connection=connection, object=obj.name).order_by("id")
    last = 0
    while chunk := list(rows.filter(id__gt=last)[:1000]):
        last = chunk[-1].id
        values = accord_values(obj.becomes, [row.local_id for row in chunk], pushed)
        for row in chunk:
            mine = values.get(row.local_id)
            if mine is None:
                continue
            fields = {}
            for name in pushed:
                if mine.get(name) is None:
                    continue  # Accord has no value (no score yet, nobody routed): nothing to say
                text = connector.outbound(obj, name, mine[name])
                if row.values.get(name) != text:
                    fields[name] = text
            if fields:
                batch.append((Change(row.remote_id, fields), row))
                if len(batch) == PUSH_BATCH:
                    yield batch
                    batch = []
    if batch:
        yield batch


@transaction.atomic
def do_set_owner(kind: str, obj: str, field: str, owner: Side, *, by=None):
    """An admin makes one side the owner of a field; audited."""
    from accord.crm_sync.models import FieldOwner

    row = FieldOwner.objects.filter(kind=kind, object=obj, field=field).first()
    old = row.owner if row else None
    FieldOwner.objects.update_or_create(
        kind=kind, object=obj, field=field, defaults={"owner": owner}
    )
    record_change(
        actor=by,
        action=Action.CHANGED,
        record_type="sync_field_owner",
        record_id=f"{kind}:{obj}:{field}",
        field="owner",
        old=old,
        new=owner,
        reason=f"{field} of {kind} {obj} is owned by {Side(owner).label}",
    )


@transaction.atomic
def do_connect(
    kind: str, secret: str, *, base_url: str = "", options: dict | None = None, by=None
) -> Connection:
    """Keep a CRM's credentials (encrypted) and address; audited without the secret."""
    connection, _ = Connection.objects.get_or_create(kind=kind)
    if secret:
        connection.secret = secret
    connection.base_url = base_url
    if options is not None:
        connection.options = options
    connection.connected_by = by
    connection.connected_at = timezone.now()
    connection.last_error = ""
    connection.save()
    record_change(
        actor=by,
        action=Action.CHANGED,
        record_type="sync_connection",
        record_id=kind,
        field="secret",
        new=connection.masked_secret,
        reason=f"connected {connection.get_kind_display()}",
    )
    return connection
