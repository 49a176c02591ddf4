"""Writes for imports started from the page: store the upload, queue a check, confirm a clean
check as an import, and run either (in the worker) through the same engine as `accord import`."""

import json
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from accord.imports.engine import ImportRefused
from accord.imports.models import ImportRun
from accord.imports.services import do_import_file
from accord.teams.access import may_import
from accord.teams.models import User

KEPT_PROBLEMS = 1000  # every problem is counted; the first thousand are kept to show


class RunRefused(Exception):
    """The upload cannot be taken (not a CSV file, say); the message says why."""


class NotAllowed(RunRefused):
    """Only administrators and team heads import."""

    def __init__(self):
        super().__init__("Only an administrator or a team head can import files.")


class NotConfirmable(RunRefused):
    """The run is not a clean check, or its file is gone."""


def upload_folder() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def do_upload(user: User, upload) -> ImportRun:
    """Keep the uploaded file in the data folder and queue its check (a dry run)."""
    if not may_import(user):
        raise NotAllowed()
    if not upload.name.lower().endswith(".csv"):
        raise RunRefused(f"{upload.name} is not a .csv file; export the records as CSV.")
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}-{get_valid_filename(Path(upload.name).name)}"
    with (folder / stored).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    run = ImportRun.objects.create(
        file_name=Path(upload.name).name[:255],
        stored_as=stored,
        size_bytes=upload.size,
        mode=ImportRun.Mode.CHECK,
        requested_by=user,
    )
    _queue(run)
    return run


@transaction.atomic
def do_confirm(user: User, check_run: ImportRun) -> ImportRun:
    """Import the file a clean check looked at. Confirming twice (a double click, two heads at
    once) makes one import: the check is locked and can be confirmed only once."""
    if not may_import(user):
        raise NotAllowed()
    check_run = ImportRun.objects.select_for_update().get(pk=check_run.pk)
    existing = ImportRun.objects.filter(check_run=check_run).first()
    if existing is not None:
        return existing
    if check_run.mode != ImportRun.Mode.CHECK or check_run.status != ImportRun.Status.DONE:
        raise NotConfirmable("Only a check that found nothing wrong can be imported.")
    if not (upload_folder() / check_run.stored_as).is_file():
        raise NotConfirmable("The checked file is no longer kept; upload it again.")
    run = ImportRun.objects.create(
        file_name=check_run.file_name,
        stored_as=check_run.stored_as,
        size_bytes=check_run.size_bytes,
        mode=ImportRun.Mode.IMPORT,
        check_run=check_run,
        requested_by=user,
    )
    _queue(run)
    return run


def _queue(run: ImportRun) -> None:
    from accord.imports.runs.tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(run.pk))


def do_run(run_id: int) -> ImportRun:
    """Run a queued check or import to its end; whatever happens, the run says how it ended."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )
    run = ImportRun.objects.get(pk=run_id)
    if not claimed:  # another worker has it, or it already ended
        return run
    path = upload_folder() / run.stored_as
    try:
        report = do_import_file(
            path, dry_run=run.mode == ImportRun.Mode.CHECK, on_progress=_progress_of(run)
        )
    except ImportRefused as refused:
        _end(run, ImportRun.Status.REFUSED, message=str(refused), problems=refused.errors)
    except Exception as exc:  # the run must not stay "running" forever; the reason is shown
        _end(run, ImportRun.Status.FAILED, message=f"The import stopped: {exc}")
    else:
        counts = {name: vars(c) for name, c in report.counts.items()}
        _end(run, ImportRun.Status.DONE, format_name=report.format_name, counts=counts)
    return run


def progress_file(run: ImportRun) -> Path:
    """Where a running import says how far it is. A file, not a row: the import writes inside
    one transaction, which nobody else sees until it ends."""
    return upload_folder() / f"{run.stored_as}.progress.json"


def _progress_of(run: ImportRun):
    def on_progress(phase: str, rows: int | None) -> None:
        progress_file(run).write_text(json.dumps({"phase": phase, "rows": rows}))

    return on_progress


def _end(run: ImportRun, status: str, *, problems=(), **fields) -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.problem_count = len(problems)
    run.problems = [[p.row, p.column, p.reason] for p in problems[:KEPT_PROBLEMS]]
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()
    progress_file(run).unlink(missing_ok=True)
    if status != ImportRun.Status.DONE or run.mode == ImportRun.Mode.IMPORT:
        (upload_folder() / run.stored_as).unlink(missing_ok=True)
