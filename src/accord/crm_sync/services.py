"""The sync engine: for each CRM object, pull pages and write each page with its cursor in one
transaction (so a sync stopped at any moment goes on from the last page written, with nothing
written twice), follow removals and merges, then write back what Accord owns and changed.

    run = do_sync(connection, connector, full=False, progress=callback)

A record Accord cannot take is skipped and listed with its id and reason; one never stops the
sync. A CRM that refuses the token or stays unreachable ends the run as failed with the reason
on the connection, for the page."""

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accord.agreement.models import LeadScore
from accord.audit.services import Action, RecordType, record_change
from accord.crm.models import Person
from accord.crm_sync.campaigns import APPLY, remove_pulled
from accord.crm_sync.connector import Change, Connector, CrmUnreachable, ObjectType, SyncObject
from accord.crm_sync.connectors import (
    ENV_TOKENS,
    OBJECTS,
    connector_for,
    environment_credential,
)
from accord.crm_sync.fields import FIELDS, owners
from accord.crm_sync.models import (
    Connection,
    Cursor,
    FieldOwner,
    Side,
    SyncedRecord,
    SyncProblem,
    SyncRun,
)
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


STOPPED_AFTER = dt.timedelta(minutes=10)  # a running sync writes a page far more often


class AlreadyRunning(Exception):
    """Another sync of this CRM is under way."""


@transaction.atomic
def _claim(connection: Connection, full: bool) -> SyncRun:
    Connection.objects.select_for_update().get(pk=connection.pk)
    now = timezone.now()
    running = SyncRun.objects.filter(connection=connection, status=SyncRun.Status.RUNNING)
    running.filter(beat_at__lt=now - STOPPED_AFTER).update(
        status=SyncRun.Status.FAILED,
        finished_at=now,
        message="stopped midway (no page written for ten minutes); the next run went on from "
        "its last page",
    )
    if other := running.filter(beat_at__gte=now - STOPPED_AFTER).first():
        raise AlreadyRunning(
            f"a {connection} sync is already running (since {other.started_at:%H:%M:%S} UTC)"
        )
    return SyncRun.objects.create(connection=connection, full=full, started_at=now, beat_at=now)


def _count(run: SyncRun, obj: SyncObject, key: str, n: int) -> None:
    if n:
        counts = run.counts.setdefault(obj.name, {})
        counts[key] = counts.get(key, 0) + n


def do_sync(
    connection: Connection,
    connector: Connector | None = None,
    *,
    full: bool = False,
    progress: ProgressCallback | None = None,
) -> SyncRun:
    """One sync of every object of the connection (through its CRM's connector unless one is
    given); the run, done or failed, with its counts. AlreadyRunning when another run of the
    same CRM is under way (the worker's and a command's never write over each other)."""
    run = _claim(connection, full)
    try:
        if connector is None:
            connector = connector_for(connection)
        for obj in connector.objects:
            _pull(run, connection, connector, obj, full, progress)
        for obj in connector.objects:
            _push(run, connection, connector, obj, progress, full)
    except CrmUnreachable as exc:
        run.status, run.message = SyncRun.Status.FAILED, str(exc)
        connection.last_error = str(exc)
    except BaseException as exc:  # stopped (Ctrl+C, SIGTERM) or a fault: the next run goes on
        run.status, run.finished_at = SyncRun.Status.FAILED, timezone.now()
        run.message = f"stopped midway ({exc.__class__.__name__}); the next run goes on from here"
        run.save(update_fields=["status", "message", "finished_at", "counts"])
        raise
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
    exchanges_fields = obj.becomes in FIELDS
    field_owners = owners(connection.kind, obj.name, obj.becomes) if exchanges_fields else {}
    remove = apply_removals if exchanges_fields else remove_pulled
    done = 0
    for page in connector.pull(obj, cursor.value, full=full):
        at = timezone.now()
        with transaction.atomic():
            if exchanges_fields:
                outcome = apply_page(connection, obj, page.records, field_owners, at=at)
            else:
                outcome = APPLY[obj.becomes](connection, obj, page.records, at=at)
            removed = remove(connection, obj, page.removals, at=at) if page.removals else 0
            cursor.value = page.cursor
            cursor.save(update_fields=["value", "updated_at"])
            skipped = _problems(run, obj, SyncProblem.Direction.PULL, outcome.skipped)
            taken = outcome.pulled - len(outcome.skipped) - outcome.unchanged
            _count(run, obj, "pulled", taken)
            _count(run, obj, "skipped", skipped)
            _count(run, obj, "removed", removed)
            run.beat_at = timezone.now()
            run.save(update_fields=["counts", "beat_at"])
        done += len(page.records)
        if progress:
            progress(Progress(obj, done, page.total, "pull"))


def _problems(run, obj, direction, problems: Sequence[tuple[str, str]]) -> int:
    """Each skipped record once a run, though a page overlapping the last reads it twice."""
    seen = run.__dict__.setdefault("problems_seen", set())
    problems = [p for p in problems if (obj.name, direction, *p) not in seen]
    seen.update((obj.name, direction, *p) for p in problems)
    for remote_id, reason in problems:
        what = "skipped" if direction == SyncProblem.Direction.PULL else "not written back"
        logger.warning("%s %s %s %s: %s", run.connection, obj.name, remote_id, what, reason)
    SyncProblem.objects.bulk_create(
        SyncProblem(run=run, object=obj.name, direction=direction, remote_id=rid, reason=reason)
        for rid, reason in problems
    )
    return len(problems)


def _push(run, connection, connector, obj, progress, full=False) -> None:
    """Accord's values of the fields it owns, written back where they differ from the value
    last exchanged with the CRM, in batches; each batch's outcome recorded as it comes back.

    A push looks at the records pulled since the last push began and at those whose Accord
    values changed since (`_candidates`); the first push, a full sync and a push of fields not
    written back before look at every record."""
    if obj.becomes not in FIELDS:
        return  # pulled only: campaigns, their members, the people of deals
    field_owners = owners(connection.kind, obj.name, obj.becomes)
    pushed = [
        f.name
        for f in FIELDS[obj.becomes]
        if f.pushed and field_owners[f.name] == Side.ACCORD and obj.exchanges(f.name)
    ]
    if not pushed:
        return
    refused = connector.prepare_push(obj, pushed)
    if refused:
        _problems(run, obj, SyncProblem.Direction.PUSH, [("", r) for r in refused.values()])
        pushed = [name for name in pushed if name not in refused]
    mark, _ = Cursor.objects.get_or_create(connection=connection, object=obj.name)
    began = timezone.now()
    since = None
    if not full and mark.pushed.get("fields") == pushed and mark.pushed.get("began"):
        since = dt.datetime.fromisoformat(mark.pushed["began"])
    done = 0
    for batch in _changes(connection, connector, obj, pushed, since):
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
            run.beat_at = timezone.now()
            run.save(update_fields=["counts", "beat_at"])
        done += len(batch)
        if progress:
            progress(Progress(obj, done, None, "push"))
    mark.pushed = {"began": began.isoformat(), "fields": pushed}
    mark.save(update_fields=["pushed"])


# Accord's own changes are looked for from a while before the last push began: a change
# stamped before it (a rescoring stamps its start) may commit after. One later than this is
# written back by the next full sync, which looks at every record.
ACCORD_CHANGE_MARGIN = dt.timedelta(minutes=1)


def _candidates(connection, obj, since: dt.datetime | None):
    """The synced records a push looks at: every one (`since` None), or those a pull changed
    since `since` and those whose Accord record's owned values Accord changed since, after it
    was last exchanged (its stage, owner or MQL moment: Person.updated_at; its score:
    LeadScore.scored_at)."""
    rows = SyncedRecord.objects.filter(connection=connection, object=obj.name)
    if since is None or obj.becomes != ObjectType.PERSON:
        return rows  # (only people have fields Accord writes back)
    earlier = since - ACCORD_CHANGE_MARGIN
    window = Person.objects.filter(updated_at__gte=earlier).values("pk")
    after_exchange = Exists(
        Person.objects.filter(pk=OuterRef("local_id"), updated_at__gt=OuterRef("exchanged_at"))
    )
    scored = LeadScore.objects.filter(scored_at__gte=earlier).values("person_id")
    return rows.filter(
        Q(exchanged_at__gte=since)
        | Q(local_id__in=window, exchanged_at__isnull=True)
        | (Q(local_id__in=window) & after_exchange)
        | Q(local_id__in=scored)
    )


def _changes(connection, connector, obj, pushed: list[str], since: dt.datetime | None):
    """Batches of (change, the record's SyncedRecord) for the records whose Accord value of a
    pushed field differs from the one last exchanged; read a thousand records at a time."""
    batch: list[tuple[Change, SyncedRecord]] = []
    rows = _candidates(connection, obj, since).order_by("id")
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
                if text is not None and row.values.get(name) != text:
                    fields[name] = text
            if fields:
                batch.append((Change(row.remote_id, fields), row))
                if len(batch) == PUSH_BATCH:
                    yield batch
                    batch = []
    if batch:
        yield batch


@transaction.atomic
def do_set_owner(kind: str, obj: str, field: str, owner: Side, *, by=None) -> bool:
    """An admin makes one side the owner of a field; audited. False when it already was."""
    becomes = next(o.becomes for o in OBJECTS[kind] if o.name == obj)
    old = owners(kind, obj, becomes)[field]
    if old == owner:
        return False
    FieldOwner.objects.update_or_create(
        kind=kind, object=obj, field=field, defaults={"owner": owner}
    )
    record_change(
        actor=by,
        action=Action.CHANGED,
        record_type=RecordType.SYNC_FIELD_OWNER,
        record_id=f"{kind}:{obj}:{field}",
        field="owner",
        old=old,
        new=owner,
        reason=f"{field} of {kind} {obj} is owned by {Side(owner).label}",
    )
    return True


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
        record_type=RecordType.SYNC_CONNECTION,
        record_id=kind,
        field="secret",
        new=connection.masked_secret,
        reason=f"connected {connection.get_kind_display()}",
    )
    return connection


def do_sync_every_connection() -> list[SyncRun]:
    """What the worker runs every ACCORD_SYNC_SECONDS: each CRM connected (on the page, or by
    its token in the environment) synced in turn; one failing never stops the others."""
    runs = []
    for connection in connected():
        try:
            runs.append(do_sync(connection))
        except AlreadyRunning as running:
            logger.info("%s", running)
    return runs


def connected() -> list[Connection]:
    """The connections with credentials; one made for a CRM whose token is in the environment."""
    for kind in ENV_TOKENS:
        if environment_credential(kind):
            Connection.objects.get_or_create(kind=kind)
    return [
        c for c in Connection.objects.all() if c.secret_encrypted or environment_credential(c.kind)
    ]
