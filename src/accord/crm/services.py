"""Writes to the shared database that users cause, each with its history row."""

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from django.db import transaction
from django.utils import timezone

from accord.audit.services import Action, RecordType, record_change, record_changes, record_diff
from accord.columns import writes
from accord.crm import rollups
from accord.crm.models import (
    FUNNEL_ORDER,
    Account,
    ExchangeRate,
    LifecycleChange,
    LifecycleStage,
    Opportunity,
    Person,
)
from accord.money import check_rate
from accord.touchpoints.classification import classify_channel
from accord.touchpoints.models import Touchpoint


def check_lifecycle_stage(stage: str) -> str:
    if stage not in LifecycleStage.values:
        raise ValueError(
            f"Unknown lifecycle stage {stage!r}; expected one of {LifecycleStage.values}"
        )
    return stage


def check_may_become_mql(person: Person, at: dt.datetime) -> None:
    """A lead sales rejected back to nurture waits out the agreement's recycle pause."""
    if person.waits_out_recycling(at):
        until = timezone.localtime(person.recycled_until)
        raise InvalidChange(
            "lifecycle_stage",
            f"Sales rejected {person.email} back to nurture: they may become a marketing "
            f"qualified lead again from {until:%Y-%m-%d %H:%M %Z}, as the agreement says",
        )


@transaction.atomic
def do_change_lifecycle_stage(
    person: Person, to_stage: str, *, by=None, reason: str = "", at=None
) -> bool:
    """Move a person to another funnel stage and record the move. Returns False if already there."""
    check_lifecycle_stage(to_stage)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.lifecycle_stage == to_stage:
        return False
    at = at or timezone.now()
    if to_stage == LifecycleStage.MQL:
        check_may_become_mql(locked, at)
    LifecycleChange.objects.create(
        person=locked,
        from_stage=locked.lifecycle_stage,
        to_stage=to_stage,
        changed_at=at,
        changed_by=by,
        reason=reason,
    )
    record_change(
        actor=by,
        action=Action.CHANGED,
        record_type=RecordType.PERSON,
        record_id=locked.pk,
        field="lifecycle_stage",
        old=locked.lifecycle_stage,
        new=to_stage,
        reason=reason,
        at=at,
    )
    locked.lifecycle_stage = to_stage
    locked.save(update_fields=["lifecycle_stage", "updated_at"])
    rollups.refresh_people([locked.pk])
    person.lifecycle_stage = to_stage
    return True


@transaction.atomic
def do_recycle(
    person: Person, to_stage: str, until: dt.datetime, *, by=None, reason: str = "", at=None
) -> None:
    """Send a person sales rejected back to nurture (`to_stage`), not to be an MQL again
    before `until`."""
    do_change_lifecycle_stage(person, to_stage, by=by, reason=reason, at=at)
    person.recycled_until = until
    Person.objects.filter(pk=person.pk).update(recycled_until=until, updated_at=timezone.now())


def do_record_lifecycle_changes(
    changes: Iterable[tuple[int, str, str]], *, by=None, reason: str = "", at=None, batch_size=5000
) -> int:
    """History rows for stage moves already applied in bulk: (person_id, from_stage, to_stage).

    Bulk writers (imports, rescoring) update stages with one UPDATE and call this in the same
    transaction, so no move is ever missing from the history, nor from the funnel's rollups.
    The rows go in as plain tuples (COPY on PostgreSQL, executemany on SQLite): an import of a
    million people writes a million, and as many audit entries, batch by batch.
    """
    moved = record_lifecycle_history(changes, by=by, reason=reason, at=at, batch_size=batch_size)
    rollups.refresh_people(moved)
    return len(moved)


def record_lifecycle_history(
    changes: Iterable[tuple[int, str, str]], *, by=None, reason: str = "", at=None, batch_size=5000
) -> list[int]:
    """`do_record_lifecycle_changes` without the funnel's rollups, for a writer that refreshes
    them itself later in the same flow (a capture's, in the worker's batch); the people moved."""
    at = at or timezone.now()
    by_id = getattr(by, "pk", by)
    moved: list[int] = []
    moves = ((pid, old, new) for pid, old, new in changes if old != new)
    fields = ("person_id", "from_stage", "to_stage", "changed_at", "changed_by_id", "reason")
    while batch := list(islice(moves, batch_size)):
        rows = ((pid, old, new, at, by_id, reason) for pid, old, new in batch)
        writes.insert_rows(LifecycleChange, fields, rows, batch_size=batch_size)
        record_changes(
            batch,
            record_type=RecordType.PERSON,
            field="lifecycle_stage",
            actor=by_id,
            reason=reason,
            at=at,
        )
        moved += (pid for pid, _, _ in batch)
    return moved


# --- records created and changed by users (the JSON API) ------------------------------------


class Conflict(Exception):
    """The change would duplicate a record that must be unique."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


class InvalidChange(Exception):
    """Values that are each well-formed but do not make sense on this record."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


def _save_changes(record, changes: dict, *extra_fields: str) -> None:
    for field, value in changes.items():
        setattr(record, field, value)
    if changes:
        record.save(update_fields=[*changes, *extra_fields])


def check_email_free(email: str, *, exclude_pk: int | None = None) -> None:
    """E-mails are unique whatever their case: `Ann@x.com` and `ann@x.com` are one person."""
    if Person.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists():
        raise Conflict(
            "email", f"A person with the e-mail {email} already exists (case is ignored)"
        )


# --- the funnel's rules for a stage set by hand (the API, the admin) --------------------------

WITH_SALES = (LifecycleStage.MQL, LifecycleStage.SAL)  # in the pool or a rep's inbox
DECIDED_BY_SALES = (LifecycleStage.SAL, LifecycleStage.SQL)  # a rep's accept or convert


def _stage_label(stage: str) -> str:
    return LifecycleStage(stage).label.lower()


def check_move_by_hand(person: Person, from_stage: str, to_stage: str) -> None:
    """A stage set by hand follows the funnel: sales accepted and sales qualified are what a rep
    makes of a lead handed to them, so an MQL or SAL moves on only from the inbox (accept,
    reject, convert: a move by hand would leave the handoff open, and its next step would undo
    the move); nobody goes back down the funnel; and a lead sales rejected waits out the
    recycle pause. `from_stage` is "" for a new person."""
    email = person.email
    if to_stage in DECIDED_BY_SALES:
        raise InvalidChange(
            "lifecycle_stage",
            f"Only the rep a lead is handed to makes it a {_stage_label(to_stage)}, by "
            "accepting or converting it in the inbox",
        )
    if from_stage in WITH_SALES:
        raise InvalidChange(
            "lifecycle_stage",
            f"{email} is a {_stage_label(from_stage)} waiting on sales (in the pool or a rep's "
            "inbox): it moves on when sales accepts, rejects or converts it in the inbox",
        )
    if from_stage in FUNNEL_ORDER and to_stage in FUNNEL_ORDER:
        if FUNNEL_ORDER.index(to_stage) < FUNNEL_ORDER.index(from_stage):
            raise InvalidChange(
                "lifecycle_stage",
                f"People move forward through the funnel: {email} is a "
                f"{_stage_label(from_stage)}, and a {_stage_label(to_stage)} comes before",
            )
    if to_stage == LifecycleStage.MQL:
        check_may_become_mql(person, timezone.now())


@transaction.atomic
def do_create_person(fields: dict, *, by=None, reason: str = "") -> Person:
    """A new person; their first stage is written to the lifecycle history like any move."""
    check_email_free(fields["email"])
    if "lifecycle_stage" in fields:
        check_move_by_hand(Person(email=fields["email"]), "", fields["lifecycle_stage"])
    person = Person.objects.create(**fields)
    do_record_lifecycle_changes([(person.pk, "", person.lifecycle_stage)], by=by, reason=reason)
    _audit_owner(person, RecordType.PERSON, None, by, reason)
    return person


def _audit_owner(record, record_type: RecordType, old_owner_id, by, reason: str = "") -> None:
    if record.owner_id != old_owner_id:
        record_change(
            actor=by,
            action=Action.CHANGED,
            record_type=record_type,
            record_id=record.pk,
            field="owner",
            old=old_owner_id,
            new=record.owner_id,
            reason=reason,
        )


# what the funnel's rollups keep of a person and their account besides the moves
SEGMENTED = {"account", "account_id", "created_at", "region", "industry"}


@transaction.atomic
def do_update_person(person: Person, changes: dict, *, by=None, reason: str = "") -> Person:
    """Change a person's fields; a stage change follows the funnel's rules for a move by hand
    (`check_move_by_hand`) and goes through `do_change_lifecycle_stage`."""
    changes = dict(changes)
    stage = changes.pop("lifecycle_stage", None)
    if "email" in changes:
        check_email_free(changes["email"], exclude_pk=person.pk)
    if stage is not None:
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.lifecycle_stage != stage:
            check_move_by_hand(locked, locked.lifecycle_stage, stage)
    old_owner_id = person.owner_id
    _save_changes(person, changes, "updated_at")
    if SEGMENTED.intersection(changes):
        rollups.refresh_people([person.pk])
    _audit_owner(person, RecordType.PERSON, old_owner_id, by, reason)
    if stage is not None:
        do_change_lifecycle_stage(person, stage, by=by, reason=reason)
    return person


def check_domain_free(domain: str, *, exclude_pk: int | None = None) -> None:
    if domain and Account.objects.filter(domain__iexact=domain).exclude(pk=exclude_pk).exists():
        raise Conflict("domain", f"An account with the domain {domain} already exists")


@transaction.atomic
def do_create_account(fields: dict, *, by=None) -> Account:
    check_domain_free(fields.get("domain", ""))
    account = Account.objects.create(**fields)
    _audit_owner(account, RecordType.ACCOUNT, None, by)
    return account


@transaction.atomic
def do_update_account(account: Account, changes: dict, *, by=None) -> Account:
    if "domain" in changes:
        check_domain_free(changes["domain"], exclude_pk=account.pk)
    old_owner_id = account.owner_id
    _save_changes(account, changes)
    if SEGMENTED.intersection(changes):
        rollups.refresh_accounts([account.pk])
    _audit_owner(account, RecordType.ACCOUNT, old_owner_id, by)
    return account


def _check_close_date(opportunity: Opportunity) -> None:
    """A closed deal has a close date (today unless given), never before it was created."""
    if opportunity.is_closed and opportunity.close_date is None:
        opportunity.close_date = timezone.localdate()
    if opportunity.close_date and opportunity.close_date < opportunity.created_date:
        raise InvalidChange(
            "close_date",
            f"The close date {opportunity.close_date} is before the opportunity was created "
            f"({opportunity.created_date})",
        )


@transaction.atomic
def do_create_opportunity(fields: dict, *, by=None) -> Opportunity:
    opportunity = Opportunity(**fields)
    _check_close_date(opportunity)
    opportunity.save()
    _audit_deal(opportunity, {}, by, Action.CREATED)
    return opportunity


DEAL_AUDITED = {"stage": "stage", "amount": "amount", "owner": "owner_id"}


def _deal_values(opportunity: Opportunity) -> dict:
    return {name: getattr(opportunity, attr) for name, attr in DEAL_AUDITED.items()}


def _audit_deal(opportunity: Opportunity, before: dict, by, action=Action.CHANGED) -> None:
    new = _deal_values(opportunity)
    record_diff(
        actor=by,
        action=action,
        record_type=RecordType.OPPORTUNITY,
        record_id=opportunity.pk,
        old=before,
        new=new,
    )


@transaction.atomic
def do_update_opportunity(opportunity: Opportunity, changes: dict, *, by=None) -> Opportunity:
    """Change a deal under a row lock, so two people moving its stage do not cross."""
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    before = _deal_values(locked)
    for field, value in changes.items():
        setattr(locked, field, value)
    _check_close_date(locked)
    if changes:
        locked.save(update_fields=[*changes, "close_date"])
        _audit_deal(locked, before, by)
    return locked


@transaction.atomic
def do_create_touchpoint(fields: dict, *, by=None) -> Touchpoint:
    """A new touch; without a channel it is named by the channel rules from its UTMs."""
    fields = dict(fields)
    if "channel" not in fields:
        fields["channel"] = classify_channel(
            *(fields.get(f, "") for f in ("utm_source", "utm_medium", "utm_campaign", "referrer"))
        )
    return Touchpoint.objects.create(**fields)


@transaction.atomic
def do_update_touchpoint(touchpoint: Touchpoint, changes: dict, *, by=None) -> Touchpoint:
    _save_changes(touchpoint, changes)
    return touchpoint


# --- exchange rates ---------------------------------------------------------------------------

RATE_COLUMNS = ("date", "from", "to", "rate")


class RateFileError(ValueError):
    """A file of rates with bad rows; `problems` holds one line per fault, naming row and column."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{count}; nothing was written:\n" + "\n".join(problems))


@dataclass(frozen=True)
class RatesImported:
    created: int
    updated: int


def _rate_row(row: dict) -> tuple[dict, list[str]]:
    parsed, problems = {}, []
    checks = {
        "date": ("day", dt.date.fromisoformat, "is not a date like 2026-03-31"),
        "from": ("currency", _currency_code, "is not a three-letter currency code"),
        "to": ("quote_currency", _currency_code, "is not a three-letter currency code"),
        "rate": ("rate", check_rate, None),
    }
    for column, (field, parse, reason) in checks.items():
        value = (row.get(column) or "").strip()
        try:
            parsed[field] = parse(value)
        except ValueError as exc:
            problems.append(f"column {column}: " + (f"{value!r} {reason}" if reason else str(exc)))
    if not problems and parsed["currency"] == parsed["quote_currency"]:
        problems.append("column to: a rate is between two different currencies")
    return parsed, problems


def _currency_code(value: str) -> str:
    if len(value) != 3 or not value.isalpha() or not value.isascii():
        raise ValueError(value)
    return value.upper()


@transaction.atomic
def do_import_rates(text: str) -> RatesImported:
    """Keep the rates of a CSV file (columns date, from, to, rate): all of them, or none when a
    row is bad (RateFileError lists every bad row). A rate kept for the same day and currencies
    is replaced."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in RATE_COLUMNS if column not in header]
    if missing:
        needs = ", ".join(RATE_COLUMNS)
        raise RateFileError([f"the file has no column {', '.join(missing)} (it needs {needs})"])
    reader.fieldnames = header
    rows, problems, seen = [], [], {}
    for number, row in enumerate(reader, start=2):
        parsed, faults = _rate_row(row)
        key = tuple(parsed.get(f) for f in ("day", "currency", "quote_currency"))
        if not faults and key in seen:
            faults.append(f"the same day and currencies as row {seen[key]}")
        seen.setdefault(key, number)
        problems += [f"row {number}, {fault}" for fault in faults]
        rows.append(parsed)
    if problems:
        raise RateFileError(problems)
    created = updated = 0
    for parsed in rows:
        _, new = ExchangeRate.objects.update_or_create(
            day=parsed["day"],
            currency=parsed["currency"],
            quote_currency=parsed["quote_currency"],
            defaults={"rate": parsed["rate"]},
        )
        created, updated = created + new, updated + (not new)
    return RatesImported(created=created, updated=updated)
