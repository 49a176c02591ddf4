"""Imports over JSON, for scripts that move exports from a CRM or a warehouse: upload a CSV (a
check is queued), read how it ended, confirm a clean check as an import. Heads and admins."""

import datetime as dt
import zoneinfo
from typing import Literal

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import field_validator

from accord.crm.api import Page
from accord.crm.schemas import ErrorOut
from accord.imports.models import ImportRun, ValueMapping
from accord.imports.runs import selectors, services
from accord.imports.runs.services import NotAllowed, NotConfirmable, RunRefused

router = Router(tags=["imports"])


class CountsOut(Schema):
    created: int
    updated: int
    unchanged: int


class ProblemOut(Schema):
    row: int
    column: str
    reason: str


class UnknownValueOut(Schema):
    """A value no mapping names: map it (the check's page, `accord mappings set`), check again."""

    kind: ValueMapping.Kind
    value: str
    pipeline: str
    column: str
    rows: int
    first_row: int


class KeptCampaignOut(Schema):
    """A campaign a member file has no row for, whose touches the import keeps; upload the file
    again with its `source_id` in `emptied_campaigns` if every member was removed."""

    source_id: str
    name: str
    members: int


class ImportRunOut(Schema):
    id: int
    file_name: str
    size_bytes: int
    mode: ImportRun.Mode
    status: ImportRun.Status
    format_name: str
    counts: dict[str, CountsOut]
    problem_count: int
    problems: list[ProblemOut]
    notes: list[str]
    unknown_values: list[UnknownValueOut]
    kept_campaigns: list[KeptCampaignOut]
    message: str
    check_run_id: int | None
    requested_by: str | None
    requested_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_problems(run) -> list[dict]:
        return [{"row": r, "column": c, "reason": why} for r, c, why in run.problems]

    @staticmethod
    def resolve_requested_by(run) -> str | None:
        return run.requested_by.email if run.requested_by else None


class ReadingIn(Schema):
    date_format: Literal["DMY", "MDY", "YMD"] | None = None
    time_zone: str = "UTC"
    sheet: str | None = None
    emptied_campaigns: list[
        str
    ] = []  # a member file: CRM ids of campaigns with every member removed

    @field_validator("time_zone")
    @classmethod
    def known_zone(cls, zone: str) -> str:
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{zone!r} is not an IANA time zone") from None
        return zone


def _refusal(exc: RunRefused) -> Status:
    status = 403 if isinstance(exc, NotAllowed) else 409 if isinstance(exc, NotConfirmable) else 422
    return Status(status, {"detail": str(exc)})


@router.post(
    "/imports",
    response={202: ImportRunOut, 403: ErrorOut, 422: ErrorOut},
    description="Upload an export (HubSpot, Salesforce, Accord or touchpoints; CSV in UTF-8, "
    "UTF-16, Windows-1252 or ISO-8859-1 with commas, semicolons or tabs, or XLSX) with how to "
    "read it (`date_format` DMY, MDY or YMD for a file whose dates all read both ways; "
    "`time_zone` of times without one; `sheet` of a workbook; `emptied_campaigns`, the CRM ids "
    "of campaigns a member file has no row for because every member was removed): a check is "
    "queued for the worker, which reads every row and writes nothing. An upload over "
    "ACCORD_MAX_IMPORT_BYTES is refused (413) before it is stored. Poll the run; when it is "
    "`done`, `counts` say what an import would create and update, and it can be confirmed; when "
    "`refused`, `problems` list every bad row (the first thousand; `problem_count` all).",
)
def upload_import(request: HttpRequest, file: File[UploadedFile], reading: Form[ReadingIn] = None):
    options = reading.dict() if reading is not None else {}
    try:
        return Status(202, services.do_upload(request.auth, file, options))
    except RunRefused as refused:
        return _refusal(refused)


@router.get(
    "/imports", response=list[ImportRunOut], description="Checks and imports, newest first."
)
@paginate(Page)
def list_imports(request: HttpRequest):
    return selectors.runs_for(request.auth)


@router.get("/imports/{run_id}", response={200: ImportRunOut, 404: ErrorOut})
def get_import(request: HttpRequest, run_id: int):
    return selectors.access_run(request.auth, run_id)


@router.post(
    "/imports/{run_id}/confirm",
    response={202: ImportRunOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    description="Import the file of a clean check (queued for the worker). Confirming the same "
    "check again answers the same import; a check that found problems is 409.",
)
def confirm_import(request: HttpRequest, run_id: int):
    check = selectors.access_run(request.auth, run_id)
    try:
        return Status(202, services.do_confirm(request.auth, check))
    except RunRefused as refused:
        return _refusal(refused)
