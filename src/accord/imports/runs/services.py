"""Writes for imports started from the page: store the upload, queue a check, confirm a clean
check as an import, and run either (in the worker) through the same engine as `accord import`."""

import json
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from accord.imports.engine import ImportRefused, ReadOptions
from accord.imports.mappings import MappingRefused, do_set_mapping
from accord.imports.models import ImportRun
from accord.imports.services import do_import_file
from accord.teams.access import may_import
from accord.teams.models import User

KEPT_PROBLEMS = 1000  # every problem is counted; the first thousand are kept to show
# A running check or import holds a lease its worker renews every few seconds; a lease not renewed
# for two minutes means the worker stopped (killed, its machine gone) and will not end the run.
LEASE_SECONDS = 120
RENEW_SECONDS = 10
STOPPED = {
    ImportRun.Mode.CHECK: "The worker stopped while checking the file; nothing was written.",
    ImportRun.Mode.IMPORT: "The worker stopped while importing; nothing was written.",
}
READABLE = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


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


def do_upload(user: User, upload, options: dict | None = None) -> ImportRun:
    """Keep the uploaded file in the data folder and queue its check (a dry run); `options` say
    how to read it (ReadOptions' fields)."""
    if not may_import(user):
        raise NotAllowed()
    if not upload.name.lower().endswith(READABLE):
        raise RunRefused(
            f"{upload.name} is not a CSV or XLSX file; export the records as CSV or XLSX."
        )
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
        options=options or {},
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
        if existing.status == ImportRun.Status.RUNNING and _lease_expired(existing):
            _end_stopped(existing)
            existing.refresh_from_db()
        if existing.status != ImportRun.Status.FAILED:
            return existing
        # a failed import wrote nothing and its file is gone: only a new upload can run it again
        raise NotConfirmable(f"{existing.message} Upload the file again to import it.")
    if check_run.mode != ImportRun.Mode.CHECK or check_run.status != ImportRun.Status.DONE:
        raise NotConfirmable("Only a check that found nothing wrong can be imported.")
    if not (upload_folder() / check_run.stored_as).is_file():
        raise NotConfirmable("The checked file is no longer kept; upload it again.")
    run = ImportRun.objects.create(
        file_name=check_run.file_name,
        stored_as=check_run.stored_as,
        size_bytes=check_run.size_bytes,
        options=check_run.options,
        mode=ImportRun.Mode.IMPORT,
        check_run=check_run,
        requested_by=user,
    )
    _queue(run)
    return run


@dataclass(frozen=True)
class ChosenMapping:
    """What the user chose on the check's page for one value Accord did not know."""

    kind: str
    value: str
    pipeline: str
    accord_value: str


@transaction.atomic
def do_map_values(user: User, check_run: ImportRun, chosen: list[ChosenMapping]) -> ImportRun:
    """Keep the mappings chosen for the values a check could not read (each audited, for this
    and every later import) and check the same file again; the new check. Every value the check
    listed needs its choice: nothing is mapped by a guess the user did not confirm."""
    if not may_import(user):
        raise NotAllowed()
    check_run = ImportRun.objects.select_for_update().get(pk=check_run.pk)
    if check_run.mode != ImportRun.Mode.CHECK or not check_run.unknown_values:
        raise NotConfirmable("This check has no values to map.")
    if not (upload_folder() / check_run.stored_as).is_file():
        raise NotConfirmable("The checked file is no longer kept; upload it again.")
    listed = {(u["kind"], u["value"], u["pipeline"]) for u in check_run.unknown_values}
    given = {(c.kind, c.value, c.pipeline) for c in chosen if c.accord_value}
    if missing := listed - given:
        names = ", ".join(repr(value) for _, value, _ in sorted(missing))
        raise RunRefused(f"Choose the Accord value of {names}.")
    for choice in chosen:
        if (choice.kind, choice.value, choice.pipeline) not in listed:
            continue  # only what the check listed is mapped from its page
        try:
            do_set_mapping(
                choice.kind,
                choice.value,
                choice.accord_value,
                pipeline=choice.pipeline,
                by=user,
            )
        except MappingRefused as refused:
            raise RunRefused(f"{choice.value!r}: {refused}") from None
    run = ImportRun.objects.create(
        file_name=check_run.file_name,
        stored_as=check_run.stored_as,
        size_bytes=check_run.size_bytes,
        options=check_run.options,
        mode=ImportRun.Mode.CHECK,
        requested_by=user,
    )
    _queue(run)
    return run


@transaction.atomic
def do_check_emptied(user: User, check_run: ImportRun, source_ids: list[str]) -> ImportRun:
    """Check the same file again, the user having said that every member of these campaigns (of
    those the check kept, by their CRM ids) was removed: their touches are archived on import.
    The new check."""
    if not may_import(user):
        raise NotAllowed()
    check_run = ImportRun.objects.select_for_update().get(pk=check_run.pk)
    if not check_run.confirmable:
        raise NotConfirmable("Only a check not yet imported can be checked again.")
    kept = {c["source_id"] for c in check_run.kept_campaigns}
    chosen = sorted(set(source_ids) & kept)
    if not chosen:
        raise RunRefused("Choose the campaigns whose every member was removed.")
    if not (upload_folder() / check_run.stored_as).is_file():
        raise NotConfirmable("The checked file is no longer kept; upload it again.")
    emptied = sorted({*check_run.options.get("emptied_campaigns", ()), *chosen})
    run = ImportRun.objects.create(
        file_name=check_run.file_name,
        stored_as=check_run.stored_as,
        size_bytes=check_run.size_bytes,
        options=check_run.options | {"emptied_campaigns": emptied},
        mode=ImportRun.Mode.CHECK,
        requested_by=user,
    )
    _queue(run)
    return run


def _reading(options: dict) -> ReadOptions:
    """A run's kept options as the reader takes them (JSON keeps the campaigns as a list)."""
    return ReadOptions(
        **options | {"emptied_campaigns": tuple(options.get("emptied_campaigns", ()))}
    )


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
        with _holding_lease(run):
            report = do_import_file(
                path,
                dry_run=run.mode == ImportRun.Mode.CHECK,
                on_progress=_progress_of(run),
                options=_reading(run.options),
            )
    except ImportRefused as refused:
        _end(
            run,
            ImportRun.Status.REFUSED,
            message=str(refused).replace(run.stored_as, run.file_name),  # the name it was sent as
            problems=refused.errors,
            unknown_values=[asdict(u) for u in refused.unknown],
        )
    except Exception as exc:  # the run must not stay "running" forever; the reason is shown
        _end(run, ImportRun.Status.FAILED, message=f"The import stopped: {exc}")
    else:
        counts = {name: vars(c) for name, c in report.counts.items()}
        _end(
            run,
            ImportRun.Status.DONE,
            format_name=report.format_name,
            counts=counts,
            notes=report.notes,
            kept_campaigns=[asdict(kept) for kept in report.kept_campaigns],
        )
    return run


def do_fail_stopped_runs() -> list[ImportRun]:
    """End as failed every run whose worker stopped: its lease was not renewed in time. The check
    or import was one transaction, which the database rolled back when the worker went, so
    nothing of it was written; its upload is removed, and a new upload runs it again."""
    stopped = [
        r for r in ImportRun.objects.filter(status=ImportRun.Status.RUNNING) if _lease_expired(r)
    ]
    return [run for run in stopped if _end_stopped(run)]


def lease_file(run: ImportRun) -> Path:
    """A file, not a column, like the progress: while an import writes, SQLite lets no other
    connection write, so a lease in the database could not be renewed."""
    return upload_folder() / f"{run.stored_as}.lease"


@contextmanager
def _holding_lease(run: ImportRun):
    """Renew the run's lease (the lease file's time) every few seconds while the block runs."""
    lease = lease_file(run)
    lease.touch()
    done = threading.Event()

    def renew() -> None:
        while not done.wait(RENEW_SECONDS):
            lease.touch()

    renewer = threading.Thread(target=renew, name=f"import-{run.pk}-lease", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        done.set()
        renewer.join()


def _lease_expired(run: ImportRun) -> bool:
    try:
        renewed = lease_file(run).stat().st_mtime
    except FileNotFoundError:  # claimed, and stopped before it took the lease
        renewed = run.started_at.timestamp() if run.started_at else 0.0
    return time.time() - renewed > LEASE_SECONDS


def _end_stopped(run: ImportRun) -> bool:
    """Only a run still running is ended: its worker may have finished it a moment ago."""
    ended = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
        status=ImportRun.Status.FAILED, finished_at=timezone.now(), message=STOPPED[run.mode]
    )
    if ended:
        _remove_files(run, upload=True)
    return bool(ended)


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
    # A check kept for confirming, or for mapping the values it listed and checking again.
    kept = run.mode == ImportRun.Mode.CHECK and (
        status == ImportRun.Status.DONE or bool(run.unknown_values)
    )
    _remove_files(run, upload=not kept)


def _remove_files(run: ImportRun, *, upload: bool) -> None:
    """A clean check keeps its upload for the import that may confirm it; nothing else does."""
    progress_file(run).unlink(missing_ok=True)
    lease_file(run).unlink(missing_ok=True)
    if upload:
        (upload_folder() / run.stored_as).unlink(missing_ok=True)
