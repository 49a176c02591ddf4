"""Reads for the import page: the runs a user may see."""

import json
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404

from accord.imports.mappings import accord_values, best_guess
from accord.imports.models import ImportRun, ValueMapping
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


@dataclass(frozen=True)
class MappingRow:
    """One value a check could not read, as its page offers it: the choices and the pre-selected
    best guess (None: the user has to choose)."""

    field: str  # the form field's name
    kind_label: str
    value: str
    pipeline: str
    column: str
    rows: int
    first_row: int
    choices: list[tuple[str, str]]
    guess: str | None


def mapping_rows(run: ImportRun) -> list[MappingRow]:
    """The values the check listed, each with what it may map to and the best guess."""
    choices = {}
    rows = []
    for i, unknown in enumerate(run.unknown_values):
        kind = unknown["kind"]
        if kind not in choices:
            choices[kind] = accord_values(kind)
        rows.append(
            MappingRow(
                field=f"map-{i}",
                kind_label=ValueMapping.Kind(kind).label,
                value=unknown["value"],
                pipeline=unknown["pipeline"],
                column=unknown["column"],
                rows=unknown["rows"],
                first_row=unknown["first_row"],
                choices=choices[kind],
                guess=best_guess(kind, unknown["value"], choices[kind]),
            )
        )
    return rows
