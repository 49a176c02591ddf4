"""Deal / opportunity files: match by external id, then by Accord id and name."""

from accord.audit.services import RecordType, record_changes
from accord.crm.models import DealContact, Opportunity, Person, SourceRecord
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


def _contacts(values, fmt, parsed, record, people: SourceIndex) -> list[int] | None | bool:
    """Every person of a deal whose file lists all its contacts (HubSpot's Associated Contact
    IDs), the one it names first; None when the file does not say, False when one is unknown."""
    ids = values.pop("contact_source_ids", None)
    if ids is None:
        return None
    values["contact_source_id"] = ids[0] if ids else ""
    found = []
    for ext in ids:
        pk = people.find([(fmt.system, ext)])
        if pk is None:
            parsed.error(
                record,
                "contact_source_ids",
                f"no person has {SYSTEM_LABELS[fmt.system]} id {ext!r}; import the contacts first",
            )
            return False
        if pk not in found:
            found.append(pk)
    return found


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
    listed: list[tuple[Opportunity | int, list[int]]] = []  # (deal, its people), first named
    for record, values in groups.values():
        account = accounts.explicit(values, fmt, parsed, record, create=False)
        everyone = _contacts(values, fmt, parsed, record, people)
        if isinstance(everyone, bool):
            continue
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
            deal = Opportunity(**fields)
            inserts.append((deal, pairs))
            counts.created += 1
            if everyone is not None:
                listed.append((deal, everyone))
            continue
        sources.link(pairs, pk)
        plan_change(existing[pk], values, FIELDS, pk, counts, updates)
        if everyone is not None:
            listed.append((pk, everyone))
    roles = _plan_roles(listed)

    def write():
        write_planned(Opportunity, FIELDS, inserts, updates, sources)
        for field in AUDITED:
            i = FIELDS.index(field)
            changed = ((row[-1], existing[row[-1]][i], row[i]) for row in updates)
            added = ((deal.pk, None, getattr(deal, field)) for deal, _ in inserts)
            for rows in (added, changed):
                record_changes(rows, record_type=RecordType.OPPORTUNITY, field=field, reason=reason)
        roles.write()

    plan_counts = {"opportunities": counts} | (roles.counts if listed else {})
    return Plan(counts=plan_counts, write=write, notes=roles.notes)


def _plan_roles(listed: list[tuple[Opportunity | int, list[int]]]) -> Plan:
    """The contacts of the deals a file lists whole (HubSpot's Associated Contact IDs): each
    one kept as one of the deal's contacts (a part the sync read from HubSpot's labels is kept),
    the first as its primary one; a contact the file no longer lists leaves the deal."""
    known = [deal for deal, _ in listed if isinstance(deal, int)]
    kept = {
        (row.opportunity_id, row.person_id): row
        for row in DealContact.objects.filter(opportunity_id__in=known)
    }
    wanted = {
        (deal, person): n == 0
        for deal, everyone in listed
        if isinstance(deal, int)
        for n, person in enumerate(everyone)
    }
    gone = [row.pk for key, row in kept.items() if key not in wanted]
    changed = [row for key, row in kept.items() if key in wanted and row.is_primary != wanted[key]]
    counts = Counts(
        created=sum(len(e) for d, e in listed if not isinstance(d, int))
        + sum(1 for key in wanted if key not in kept),
        updated=len(changed),
        unchanged=sum(1 for key in wanted if key in kept) - len(changed),
    )
    notes = (
        [f"{len(gone)} contact{'s' if len(gone) > 1 else ''} no longer listed on their deal: "
         "removed from it"]
        if gone
        else []
    )  # fmt: skip

    def write() -> None:
        DealContact.objects.filter(pk__in=gone).delete()
        for row in changed:
            row.is_primary = not row.is_primary
        DealContact.objects.bulk_update(changed, ["is_primary"], batch_size=1000)
        DealContact.objects.bulk_create(
            [
                DealContact(opportunity_id=pk, person_id=person, is_primary=n == 0)
                for deal, everyone in listed
                for pk in [deal if isinstance(deal, int) else deal.pk]
                for n, person in enumerate(everyone)
                if (pk, person) not in kept
            ],
            batch_size=1000,
        )

    return Plan(counts={"contact roles": counts}, write=write, notes=notes)
