"""Deal / opportunity files: match by external id, then by Accord id and name."""

from accord.audit.services import RecordType, record_changes
from accord.crm.models import Opportunity, Person, SourceRecord
from accord.imports.engine import Counts, ParsedFile
from accord.imports.objects.common import (
    SYSTEM_LABELS,
    AccountDirectory,
    Plan,
    SourceIndex,
    external_ids,
    owner_field,
    owner_ids,
    plan_change,
    write_planned,
)

FIELDS = (
    "name",
    "amount",
    "currency",
    "stage",
    "created_date",
    "close_date",
    "lost_reason",
    "account_id",
    "primary_contact_id",
    "owner_id",
)
AUDITED = ("stage", "amount")  # written to the audit trail, column by column


def _contact(values, fmt, parsed, record, people: SourceIndex, emails: dict):
    """The person a deal names, by the CRM's contact id or by e-mail; False when unknown."""
    if ext := values.get("contact_source_id"):
        found = people.find([(fmt.system, ext)])
        if found is None:
            parsed.error(
                record,
                "contact_source_id",
                f"no person has {SYSTEM_LABELS[fmt.system]} id {ext!r}; import the contacts first",
            )
            return False
        return found
    if email := values.get("contact_email"):
        found = emails.get(email.lower())
        if found is None:
            parsed.error(record, "contact_email", f"no person has the e-mail {email}")
            return False
        return found
    return None


def plan_opportunities(parsed: ParsedFile, reason: str, progress: bool = False) -> Plan:
    fmt = parsed.fmt
    accounts = AccountDirectory.load()
    sources = SourceIndex(SourceRecord.ObjectType.OPPORTUNITY)
    people = SourceIndex(SourceRecord.ObjectType.PERSON)
    emails = {e.lower(): pk for pk, e in Person.objects.values_list("id", "email")}
    existing = {row[0]: row[1:] for row in Opportunity.objects.values_list("id", *FIELDS)}
    users = owner_ids()

    groups: dict[object, tuple] = {}
    for record in parsed.records:
        owner_field(record.values, users)
        pairs = external_ids(record.values, fmt)
        key = pairs[0] if pairs else record.row
        if len(record.values.get("name", "")) > 255:
            parsed.error(record, "name", "is longer than 255 characters")
        if key in groups:
            groups[key][1].update(record.values)
        else:
            groups[key] = (record, dict(record.values))

    counts = Counts()
    inserts, updates = [], []
    for record, values in groups.values():
        account = accounts.explicit(values, fmt, parsed, record, create=False)
        contact = _contact(values, fmt, parsed, record, people, emails)
        if account is False or contact is False:
            continue
        if account is not None:
            values["account_id"] = account
        if contact is not None:
            values["primary_contact_id"] = contact
        pairs = external_ids(values, fmt)
        pk = sources.find(pairs)
        native = values.get("native_id")
        if pk is None and native in existing and existing[native][0] == values.get("name"):
            pk = native
        if pk is None:
            if "name" not in values:
                parsed.error(record, "name", "is blank")
                continue
            fields = {f: values[f] for f in FIELDS if f in values}
            inserts.append((Opportunity(**fields), pairs))
            counts.created += 1
            continue
        sources.link(pairs, pk)
        plan_change(existing[pk], values, FIELDS, pk, counts, updates)

    def write():
        write_planned(Opportunity, FIELDS, inserts, updates, sources)
        for field in AUDITED:
            i = FIELDS.index(field)
            changed = ((row[-1], existing[row[-1]][i], row[i]) for row in updates)
            added = ((deal.pk, None, getattr(deal, field)) for deal, _ in inserts)
            for rows in (added, changed):
                record_changes(rows, record_type=RecordType.OPPORTUNITY, field=field, reason=reason)

    return Plan(counts={"opportunities": counts}, write=write)
