"""Reads about the CRM sync: what the sync page shows (each CRM's connection, its last run, the
fields' owners) and the runs' counts for /metrics."""

from dataclasses import dataclass

from django.db.models import Count

from accord.crm_sync.connector import SyncObject
from accord.crm_sync.connectors import CONNECTORS, OBJECTS, environment_credential
from accord.crm_sync.fields import FIELDS, Field, owners
from accord.crm_sync.models import Connection, Side, SyncProblem, SyncRun
from accord.crm_sync.secrets import SecretUnreadable, masked
from accord.teams.access import Audience, audience_of

PROBLEMS_SHOWN = 50


def may_manage_sync(user) -> bool:
    """Connecting a CRM and choosing who owns a field is for admins."""
    return user.is_authenticated and audience_of(user) == Audience.ADMIN


@dataclass(frozen=True)
class OwnedField:
    field: Field
    owner: Side


@dataclass(frozen=True)
class ObjectOwners:
    object: SyncObject
    fields: list[OwnedField]


@dataclass(frozen=True)
class CrmState:
    kind: str
    label: str
    connection: Connection | None
    token_shown: str  # masked
    token_from_environment: bool
    token_problem: str
    last_run: SyncRun | None
    problems: list[SyncProblem]
    problem_count: int
    owners: list[ObjectOwners]
    pulled_only: list[SyncObject]  # campaigns, their members, the people of deals

    @property
    def connected(self) -> bool:
        return bool(self.token_shown)


def crm_states() -> list[CrmState]:
    connections = {c.kind: c for c in Connection.objects.all()}
    return [_state(kind, connections.get(kind)) for kind in CONNECTORS]


def _state(kind: str, connection: Connection | None) -> CrmState:
    from_env = environment_credential(kind)
    shown, problem = masked(from_env or ""), ""
    if not from_env and connection is not None:
        try:
            shown = connection.masked_secret
        except SecretUnreadable as exc:
            problem = str(exc)
    run = connection.runs.first() if connection else None
    problems = list(run.problems.all()[:PROBLEMS_SHOWN]) if run else []
    return CrmState(
        kind=kind,
        label=Connection.Kind(kind).label,
        connection=connection,
        token_shown=shown,
        token_from_environment=bool(from_env),
        token_problem=problem,
        last_run=run,
        problems=problems,
        problem_count=run.problems.count()
        if run and len(problems) == PROBLEMS_SHOWN
        else len(problems),
        owners=[_owners(kind, obj) for obj in OBJECTS[kind] if obj.becomes in FIELDS],
        pulled_only=[obj for obj in OBJECTS[kind] if obj.becomes not in FIELDS],
    )


def _owners(kind: str, obj: SyncObject) -> ObjectOwners:
    """The fields this CRM's object exchanges, each with the side that owns it."""
    sides = owners(kind, obj.name, obj.becomes)
    return ObjectOwners(
        obj, [OwnedField(f, sides[f.name]) for f in FIELDS[obj.becomes] if obj.exchanges(f.name)]
    )


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
