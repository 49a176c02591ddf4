"""People files: match by external id, then by e-mail (any case); blanks change nothing."""

from django.db.models.functions import Lower
from django.utils import timezone
from tqdm import tqdm

from accord.crm import bulk
from accord.crm.models import LifecycleStage, Person, SourceRecord
from accord.crm.services import do_record_lifecycle_changes
from accord.imports.engine import Counts, ParsedFile, timed
from accord.imports.objects.common import AccountDirectory, Plan, SourceIndex, external_ids, max_id

FIELDS = (
    "email",
    "first_name",
    "last_name",
    "title",
    "phone",
    "lifecycle_stage",
    "lead_status",
    "original_source",
    "created_at",
)
ACCOUNT = len(FIELDS)  # index of account_id in a person's value list
# A new person's fields: the file's value, else the default.
DEFAULTS = (None, "", "", "", "", LifecycleStage.LEAD.value, "", "", None)
NEW_PERSON = tuple(zip(FIELDS, DEFAULTS, strict=True))
LIMITS = tuple((f, Person._meta.get_field(f).max_length) for f in FIELDS if f != "created_at")


def _overlay(current: list, values: dict) -> list:
    merged = list(current)
    for i, name in enumerate(FIELDS):
        value = values.get(name)
        if value is not None:
            merged[i] = value
    return merged


def plan_people(parsed: ParsedFile, reason: str, progress: bool = False) -> Plan:
    fmt = parsed.fmt
    accounts = AccountDirectory.load()
    sources = SourceIndex(SourceRecord.ObjectType.PERSON)
    existing: dict[int, tuple] = {}
    by_email: dict[str, int] = {}
    for row in Person.objects.values_list("id", *FIELDS, "account_id").iterator(chunk_size=20_000):
        existing[row[0]] = row[1:]
        by_email[row[1].lower()] = row[0]

    # Several rows for one e-mail are one person: later non-blank cells win.
    groups: dict[str, tuple] = {}
    for record in parsed.records:
        email = record.values.get("email")
        if email is None:
            continue
        for name, limit in LIMITS:
            value = record.values.get(name)
            if value is not None and len(value) > limit:
                parsed.error(record, name, f"is longer than {limit} characters")
        key = email.lower()
        if key in groups:
            groups[key][1].update(record.values)
        else:
            groups[key] = (record, dict(record.values))

    # CRM exports leave a contact's company to be found from the e-mail; Accord's own say it.
    derive_account = fmt.system != "accord"
    counts = Counts()
    inserts, updates, history = [], [], []
    for key, (record, values) in groups.items():
        pairs = external_ids(values, fmt)
        pid = sources.find(pairs) or by_email.get(key)
        if pid is not None and by_email.get(key, pid) != pid:
            parsed.error(record, "email", f"{values['email']} already belongs to another person")
            continue
        account = accounts.explicit(values, fmt, parsed, record)
        if account is False:
            continue
        if pid is None:
            row = [v if (v := values.get(f)) is not None else d for f, d in NEW_PERSON]
            if account is None and derive_account:
                account = accounts.from_email(values["email"], values)
            inserts.append((*row, account))
            history.append((key, "", row[5]))
            sources.link(pairs, key)
            counts.created += 1
            continue
        current = existing[pid]
        merged = _overlay(current[:ACCOUNT], values)
        if account is None and current[ACCOUNT] is None and derive_account:
            account = accounts.from_email(values["email"], values)
        merged.append(current[ACCOUNT] if account is None else account)
        sources.link(pairs, pid)
        if merged == list(current):
            counts.unchanged += 1
            continue
        updates.append((*merged, pid))
        if merged[5] != current[5]:
            history.append((pid, current[5], merged[5]))
        counts.updated += 1

    account_counts = Counts(created=len(accounts.new))

    timings: dict[str, float] = {}

    def write():
        now = timezone.now()
        with timed(timings, "write accounts"):
            accounts.write(account_counts)
        before = max_id(Person)
        columns = (*FIELDS, "account_id", "seniority", "is_decision_maker", "updated_at")
        bar = tqdm(
            total=len(inserts) + len(updates),
            desc="Writing people",
            unit=" rows",
            unit_scale=True,
            disable=not progress,
        )
        with bar, timed(timings, "write people"):
            bulk.insert_rows(
                Person,
                columns,
                (
                    (*row[:8], row[8] or now, accounts.resolve(row[ACCOUNT]), "", False, now)
                    for row in inserts
                ),
                progress=bar,
            )
            bulk.update_rows(
                Person,
                (*FIELDS, "account_id", "updated_at"),
                ((*row[:ACCOUNT], accounts.resolve(row[ACCOUNT]), now, row[-1]) for row in updates),
                progress=bar,
            )
        with timed(timings, "write source ids"):
            new_ids = {}
            if inserts:
                created = Person.objects.filter(id__gt=before).values_list(Lower("email"), "id")
                new_ids = dict(created.iterator(20_000))

            def resolve(target):
                return new_ids[target] if isinstance(target, str) else target

            sources.write(resolve)
        with timed(timings, "write lifecycle history"):
            do_record_lifecycle_changes(
                ((resolve(target), old, new) for target, old, new in history), reason=reason
            )

    return Plan(counts={"people": counts, "accounts": account_counts}, write=write, timings=timings)
