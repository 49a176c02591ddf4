"""Imports and exports users run: `accord import`, `accord export` (and later the pages and API)."""

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from accord import csvsafe
from accord.audit.services import Action, RecordType, record_change
from accord.columns import writes
from accord.crm.models import Account, LifecycleChange, Opportunity, Person, SourceRecord
from accord.imports.engine import (
    Counts,
    ImportRefused,
    KeptCampaign,
    ReadOptions,
    read_file,
    timed,
)
from accord.imports.formats import accord as native
from accord.imports.formats.touchpoints import TOUCHPOINT_COLUMNS
from accord.imports.objects.accounts import plan_accounts
from accord.imports.objects.campaigns import (
    plan_campaign_members,
    plan_campaigns,
    plan_deal_contacts,
)
from accord.imports.objects.opportunities import plan_opportunities
from accord.imports.objects.people import plan_people
from accord.imports.objects.touchpoints import plan_touchpoints
from accord.touchpoints.models import Campaign, Touchpoint

PLANNERS = {
    "person": plan_people,
    "account": plan_accounts,
    "opportunity": plan_opportunities,
    "touchpoint": plan_touchpoints,
    "campaign": plan_campaigns,
    "campaign_member": plan_campaign_members,
    "deal_contact": plan_deal_contacts,
}


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    format_name: str
    counts: dict[str, Counts]
    dry_run: bool
    timings: dict[str, float]  # wall-clock seconds per phase
    read_as: str = ""  # "Windows-1252 CSV, semicolon-separated", "XLSX sheet 'Contacts'"
    notes: tuple[str, ...] = ()  # rows skipped (a report's footer) or merged into one record
    kept_campaigns: tuple[KeptCampaign, ...] = ()  # a member file's campaigns it has no row for


def do_import_file(
    path: Path,
    *,
    dry_run: bool = False,
    progress: bool = False,
    on_progress=None,
    options: ReadOptions | None = None,
) -> ImportReport:
    """Import a whole file in one transaction, or nothing of it (ImportRefused lists every bad row).

    Every row is validated and the whole change planned before the first write, so a bad row at the
    end of a million refuses the file as surely as one at the start. `on_progress(phase, rows)`,
    when given, hears each phase begin (the import page shows it).
    """
    path = Path(path)
    timings: dict[str, float] = {}
    tell = on_progress or (lambda phase, rows: None)
    tell("reading and checking every row", None)
    with timed(timings, "read and validate"):
        parsed = read_file(path, progress=progress, options=options or ReadOptions())
        parsed.options = options or ReadOptions()
    planner = PLANNERS[parsed.fmt.object_type]
    with transaction.atomic(), writes.large_page_cache():
        rows = parsed.size
        tell("matching rows with the records already here", rows)
        with timed(timings, "plan"):
            plan = planner(parsed, f"import {path.name}", progress)
        if parsed.errors:
            errors = sorted(parsed.errors, key=lambda e: e.row)
            raise ImportRefused(
                f"{path.name} ({parsed.fmt.name}) was not imported: {len(errors):,} "
                f"{'problem' if len(errors) == 1 else 'problems'}; nothing was written",
                errors,
                parsed.unknown_values(),
            )
        if not dry_run:
            tell("writing", rows)
            with timed(timings, "write"):
                try:
                    plan.write()
                except IntegrityError as exc:  # someone added the same record meanwhile
                    raise ImportRefused(
                        f"{path.name} was not imported: the database changed while it was being "
                        f"imported ({exc}); nothing was written, run the import again"
                    ) from exc
            committing = time.perf_counter()
    if not dry_run:
        timings["commit"] = time.perf_counter() - committing
    return ImportReport(
        path.name,
        parsed.fmt.name,
        plan.counts,
        dry_run,
        timings | plan.timings,
        parsed.read_as,
        (*parsed.notes, *plan.notes),
        tuple(plan.kept_campaigns),
    )


EXPORTS = ("people", "accounts", "opportunities", "touchpoints", "lifecycle")
EVERY_RECORD = "none (every record)"


def write_export(
    kind: str,
    handle: csvsafe.Writable,
    *,
    by=None,
    destination: str = "",
    records: QuerySet | None = None,
    filters: str = EVERY_RECORD,
) -> int:
    """Write one object type as CSV that `accord import` reads back; returns the rows written.
    `records` narrows (and orders) what is written, e.g. to a list page's filtered rows, with
    `filters` saying in words how.

    Every export goes to the audit trail: who, what, how many rows, to where, with what filters.
    """
    headers, rows = {
        "people": (native.PEOPLE_COLUMNS, _people_rows),
        "accounts": (native.ACCOUNT_COLUMNS, _account_rows),
        "opportunities": (native.OPPORTUNITY_COLUMNS, _opportunity_rows),
        "touchpoints": (TOUCHPOINT_COLUMNS, _touchpoint_rows),
        "campaigns": (CAMPAIGN_COLUMNS, _campaign_rows),
        "lifecycle": (LIFECYCLE_COLUMNS, _lifecycle_rows),
    }[kind]
    writer = csvsafe.writer(handle)
    writer.writerow(native.headers(headers))
    written = 0
    for row in rows(records):
        writer.writerow(row)
        written += 1
    record_change(
        actor=by,
        action=Action.EXPORTED,
        record_type=RecordType.EXPORT,
        record_id=kind,
        field="rows",
        new=written,
        reason=f"{destination or 'stream'}; filters: {filters}",
    )
    return written


def _external_ids(object_type: str, records: QuerySet) -> dict[int, dict[str, str]]:
    ids: dict[int, dict[str, str]] = defaultdict(dict)
    external = SourceRecord.objects.filter(
        object_type=object_type, system__in=["hubspot", "salesforce"]
    )
    if records.query.where:  # only the ids of the rows written
        external = external.filter(object_id__in=records.order_by().values("id"))
    for oid, system, ext in external.values_list("object_id", "system", "external_id"):
        ids[oid][system] = ext
    return ids


def _with_external_ids(object_type: str, records: QuerySet, columns) -> Iterable[tuple]:
    """Each exported row followed by its HubSpot and Salesforce ids, so a re-import matches it."""
    ext = _external_ids(object_type, records)
    for row in records.values_list(*columns).iterator(chunk_size=5000):
        ids = ext.get(row[0], {})
        yield (*row, ids.get("hubspot"), ids.get("salesforce"))


def _in_order(records: QuerySet | None, model) -> QuerySet:
    return model.objects.order_by("id") if records is None else records


def _people_rows(records: QuerySet | None) -> Iterable[tuple]:
    columns = (
        "id",
        "email",
        "first_name",
        "last_name",
        "title",
        "phone",
        "lifecycle_stage",
        "lead_status",
        "original_source",
        "account__name",
        "account__domain",
        "account_id",
        "created_at",
    )
    return _with_external_ids(SourceRecord.ObjectType.PERSON, _in_order(records, Person), columns)


def _account_rows(records: QuerySet | None) -> Iterable[tuple]:
    columns = ("id", "name", "domain", "industry", "employee_count", "region", "created_at")
    return _with_external_ids(SourceRecord.ObjectType.ACCOUNT, _in_order(records, Account), columns)


def _opportunity_rows(records: QuerySet | None) -> Iterable[tuple]:
    columns = (
        "id",
        "name",
        "account__domain",
        "account_id",
        "primary_contact__email",
        "amount",
        "currency",
        "stage",
        "created_date",
        "close_date",
        "lost_reason",
    )
    return _with_external_ids(
        SourceRecord.ObjectType.OPPORTUNITY, _in_order(records, Opportunity), columns
    )


CAMPAIGN_COLUMNS = [
    ("ID", "id"),
    ("Name", "name"),
    ("Channel", "channel"),
    ("Type", "kind"),
    ("Status", "status"),
    ("Start date", "start_date"),
    ("End date", "end_date"),
    ("Cost", "cost"),
    ("Currency", "currency"),
    ("UTM campaign", "utm_campaign"),
    ("Advantage", "advantage"),
]


def _campaign_rows(records: QuerySet | None) -> Iterable[tuple]:
    columns = [field for _, field in CAMPAIGN_COLUMNS]
    records = _in_order(records, Campaign)
    return records.values_list(*columns).iterator(chunk_size=5000)


# The whole stage history, one move a row, as the funnel and velocity read it.
LIFECYCLE_COLUMNS = [
    ("email", "person__email"),
    ("from_stage", "from_stage"),
    ("to_stage", "to_stage"),
    ("at", "changed_at"),
    ("reason", "reason"),
]


def _lifecycle_rows(records: QuerySet | None) -> Iterable[tuple]:
    records = LifecycleChange.objects.order_by("person_id", "changed_at", "id")
    columns = [field for _, field in LIFECYCLE_COLUMNS]
    return records.values_list(*columns).iterator(chunk_size=5000)


def _touchpoint_rows(records: QuerySet | None) -> Iterable[tuple]:
    return (
        _in_order(records, Touchpoint)
        .values_list(
            "person__email",
            "occurred_at",
            "kind",
            "channel",
            "campaign__name",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "referrer",
            "page",
        )
        .iterator(chunk_size=5000)
    )
