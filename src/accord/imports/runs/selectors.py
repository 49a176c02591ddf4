"""Reads for the import page: the runs a user may see."""

import json

from django.db.models import Count, QuerySet
from django.http import Http404

from accord.imports.models import ImportRun
from accord.imports.runs.services import progress_file
from accord.teams.access import may_import
from accord.teams.models import User

RECENT = 20


def runs_for(user: User) -> QuerySet[ImportRun]:
    """Everyone who may import sees every import: an import changes the shared database."""
    if not may_import(user):
        return ImportRun.objects.none()
    return ImportRun.objects.select_related("requested_by", "check_run")


def recent_runs(user: User) -> list[ImportRun]:
    return list(runs_for(user)[:RECENT])


def access_run(user: User, pk: int) -> ImportRun:
    run = runs_for(user).filter(pk=pk).first()
    if run is None:
        raise Http404("No such import")
    return run


def progress_of(run: ImportRun) -> dict:
    """The phase a running import is in and the rows it holds: {} when it has not said yet."""
    try:
        return json.loads(progress_file(run).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def count_runs() -> dict[tuple[str, str], int]:
    """Checks and imports kept, by (mode, status), for /metrics."""
    rows = ImportRun.objects.values_list("mode", "status").annotate(n=Count("pk")).order_by()
    return {(mode, status): n for mode, status, n in rows}
