"""One pulled page written into the shared database: records matched to Accord's (by the CRM id,
an id an import kept, then the e-mail or domain), each field taken or kept as its owner says,
removals and merges followed. Called by the engine inside the page's transaction."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection as db_connection
from django.db.models import JSONField
from django.db.models.functions import Lower
from django.utils import timezone

from accord.audit.services import Action, record_change, record_changes
from accord.columns import writes
from accord.crm import rollups
from accord.crm.models import (
    DealContact,
    LifecycleChange,
    LifecycleStage,
    Opportunity,
    Person,
    SourceRecord,
)
from accord.crm.services import (
    SEGMENTED,
    InvalidChange,
    check_move_by_hand,
    do_record_lifecycle_changes,
)
from accord.crm_sync.connector import ObjectType, RemoteRecord, Removal, SyncObject
from accord.crm_sync.fields import (
    FIELDS,
    LINK_ATTRIBUTES,
    LINKED_OBJECT,
    MODELS,
    Refused,
    parse,
)
from accord.crm_sync.models import Connection, Side, SyncedRecord
from accord.handoff.models import Handoff
from accord.handoff.services import HandoffRefused, do_accept
from accord.imports.formats.base import vocabulary_key
from accord.imports.models import ValueMapping
from accord.touchpoints.models import Touchpoint

# Fields a blank CRM value leaves as they are: Accord has no blank stage or name.
KEEP_WHEN_BLANK = {"lifecycle_stage", "stage", "currency", "name"}


@dataclass
class PageOutcome:
    pulled: int = 0
    unchanged: int = 0  # as last exchanged: read again (a page overlapping the last), not counted
    created: int = 0
    changed: int = 0
    removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (remote id, reason)


def _owner_ids(emails: set[str]) -> dict[str, int]:
    """Accord users by CRM owner e-mail (any case), through an owner mapping when one is kept."""
    if not emails:
        return {}
    mapped = dict(
        ValueMapping.objects.filter(kind=ValueMapping.Kind.OWNER).values_list("key", "accord_value")
    )
    wanted = {e.lower() for e in emails} | {v.lower() for v in mapped.values()}
    users = dict(
        get_user_model()
        .objects.annotate(address=Lower("email"))
        .filter(address__in=wanted, is_active=True)
        .values_list("address", "id")
    )
    found = {}
    for address in emails:
        target = mapped.get(vocabulary_key(address), address).lower()
        if target in users:
            found[address.lower()] = users[target]
    return found


def _local_links(connection: Connection, becomes: ObjectType, remote_ids: set[str]) -> dict:
    """Accord ids of records of another object by their CRM id (accounts a contact points at)."""
    if not remote_ids:
        return {}
    found = dict(
        SourceRecord.objects.filter(
            system=connection.kind, object_type=becomes, external_id__in=remote_ids
        ).values_list("external_id", "object_id")
    )
    return _survivors(becomes, found) if becomes in MODELS else found


def _survivors(becomes: ObjectType, found: dict[str, int]) -> dict[str, int]:
    """A record merged away stands for the one it was merged into (and that one for its own
    survivor, should it have been merged too)."""
    model = MODELS[becomes]
    for _ in range(10):  # a chain of merges is short; a loop in it cannot hold the sync
        merged = dict(
            model.objects.filter(pk__in=set(found.values()), merged_into__isnull=False).values_list(
                "pk", "merged_into"
            )
        )
        if not merged:
            break
        found = {rid: merged.get(local, local) for rid, local in found.items()}
    return found


def _shown(value) -> str:
    return "" if value is None else str(value)


def apply_page(
    connection: Connection,
    obj: SyncObject,
    records: Sequence[RemoteRecord],
    owners: dict[str, Side],
    *,
    at: dt.datetime,
) -> PageOutcome:
    outcome = PageOutcome(pulled=len(records))
    becomes = obj.becomes
    model = MODELS[becomes]
    crm = connection.get_kind_display()
    fields = [f for f in FIELDS[becomes] if f.pulled]
    synced = {
        s.remote_id: s
        for s in SyncedRecord.objects.filter(
            connection=connection, object=obj.name, remote_id__in=[r.remote_id for r in records]
        )
    }
    imported = _local_links(connection, becomes, {r.remote_id for r in records} - set(synced))
    link_ids = {
        name: _local_links(connection, target, {r.fields.get(name, "") for r in records} - {""})
        for name, target in LINKED_OBJECT.items()
        if any(f.name == name for f in fields)
    }
    owner_ids = _owner_ids({r.fields.get("owner", "") for r in records} - {""})

    # Each record parsed to Accord's values, or skipped with the reason.
    parsed: dict[str, dict] = {}
    for record in records:
        values = {}
        try:
            for f in fields:
                if f.name not in record.fields:
                    continue
                raw = record.fields[f.name]
                if f.link:
                    if f.name == "owner":
                        values["owner"] = owner_ids.get(raw.lower()) if raw else None
                    else:
                        values[f.name] = link_ids[f.name].get(raw) if raw else None
                elif raw.strip() or f.name not in KEEP_WHEN_BLANK:
                    values[f.name] = parse(becomes, f.name, raw)
        except Refused as refused:
            outcome.skipped.append((record.remote_id, f"{f.label}: {refused}"))
            continue
        if becomes == ObjectType.PERSON and not values.get("email") and not record.remote_id:
            outcome.skipped.append((record.remote_id, "no e-mail and no id"))
            continue
        parsed[record.remote_id] = values

    local_of = {rid: s.local_id for rid, s in synced.items()} | imported
    existing = model.objects.in_bulk(set(local_of.values()))
    _match_natural_keys(becomes, parsed, local_of, existing, outcome)

    creates, updates, lifecycle_moves = [], {}, []
    accepted: list[tuple[str, int]] = []  # (remote id, person) a rep accepted in the CRM
    audit_rows: dict[tuple[str, str], list] = defaultdict(list)
    new_synced, changed_synced = [], []
    local_by_rid: dict[str, object] = {}
    for record in records:
        rid = record.remote_id
        if rid not in parsed:
            continue
        values = parsed[rid]
        local = existing.get(local_of.get(rid))
        before = synced.get(rid)
        exchanged = dict(before.values) if before else {}
        if local is None:
            local = model(**{LINK_ATTRIBUTES.get(k, k): v for k, v in values.items()})
            created = _created(record.fields.get("created_at", "")) or at
            if becomes == ObjectType.OPPORTUNITY:
                local.created_date = created.date()
            else:
                local.created_at = created
            if becomes != ObjectType.PERSON and not local.name:  # Accord names each one
                noun = "deal" if becomes == ObjectType.OPPORTUNITY else "company"
                local.name = getattr(local, "domain", "") or f"{crm} {noun} {rid}"
            creates.append((rid, local))
        else:
            if _accepted_in_crm(becomes, local, values, record, exchanged):
                accepted.append((rid, local.pk))
                values = {k: v for k, v in values.items() if k != "lifecycle_stage"}
            refused = _funnel_refusal(becomes, local, values, owners)
            if refused:
                outcome.skipped.append((rid, refused))
                continue
            changed_fields = []
            if local.archived_at is not None:  # restored in the CRM, or made again: back
                audit_rows[("archived_at", f"back in {crm}")].append(
                    (local.pk, local.archived_at, None)
                )
                local.archived_at, local.merged_into_id = None, None
                changed_fields += ["archived_at", "merged_into"]
            for f in fields:
                if f.name not in values:
                    continue
                attribute = LINK_ATTRIBUTES.get(f.name, f.name)
                old, new = getattr(local, attribute), values[f.name]
                if _shown(old) == _shown(new):
                    continue
                if owners[f.name] == Side.ACCORD:
                    continue  # written back after the pull
                reason = f"pulled from {crm} {obj.label[:-1]} {rid}"
                edited_in_accord = not f.link and f.name in exchanged
                if edited_in_accord and _shown(old) != _shown(_was(becomes, f, exchanged)):
                    reason = f"changed in Accord; {crm} owns this field and its value is kept"
                setattr(local, attribute, new)
                changed_fields.append(attribute)
                if f.name == "lifecycle_stage":
                    lifecycle_moves.append((local.pk, old, new))
                else:
                    audit_rows[(attribute, reason)].append((local.pk, old, new))
            if changed_fields:
                updates[local.pk] = (local, changed_fields)
        for f in fields:
            if f.name in record.fields:
                exchanged[f.name] = record.fields[f.name]
        if record.contacts is not None:
            exchanged["contacts"] = _roles_text(record.contacts)
        if before is not None and exchanged == before.values and local.pk == before.local_id:
            outcome.unchanged += 1
        local_by_rid[rid] = local
        if before is None:
            new_synced.append((rid, local, exchanged))
        elif exchanged != before.values or before.local_id != local.pk:
            before.values = exchanged
            changed_synced.append((before, local))

    if creates:
        insert(model, [local for _, local in creates], ids=True)
        outcome.created = len(creates)
        if becomes == ObjectType.PERSON:
            insert_values(
                LifecycleChange,
                ("person", "from_stage", "to_stage", "changed_at", "changed_by", "reason"),
                [
                    (
                        p.pk,
                        "",
                        p.lifecycle_stage or LifecycleStage.LEAD,
                        at,
                        None,
                        f"pulled from {crm}",
                    )
                    for _, p in creates
                ],
            )
    for (attribute, reason), rows in audit_rows.items():
        record_changes(rows, record_type=becomes.value, field=attribute, reason=reason, at=at)
    if lifecycle_moves:
        do_record_lifecycle_changes(lifecycle_moves, reason=f"pulled from {crm}", at=at)
    by_fields: dict[tuple, list] = defaultdict(list)
    for local, changed_fields in updates.values():
        by_fields[tuple(sorted(set(changed_fields)))].append(local)
    for changed_fields, locals_ in by_fields.items():
        model.objects.bulk_update(locals_, changed_fields, batch_size=500)
    outcome.changed = len(updates)
    _refresh_rollups(becomes, [local for _, local in creates], updates.values())
    # after the page's own writes to Accord's records: one Accord changes later is newer
    exchanged_at = timezone.now()
    insert_values(
        SourceRecord,
        ("system", "object_type", "external_id", "object_id"),
        [
            (connection.kind, becomes.value, rid, local.pk)
            for rid, local, _ in new_synced
            if rid not in imported  # an import linked it already
        ],
    )
    insert_values(
        SyncedRecord,
        ("connection", "object", "remote_id", "local_id", "values", "exchanged_at"),
        [(connection.pk, obj.name, rid, local.pk, v, exchanged_at) for rid, local, v in new_synced],
    )
    for row, local in changed_synced:
        row.local_id, row.exchanged_at = local.pk, exchanged_at
    SyncedRecord.objects.bulk_update(
        [row for row, _ in changed_synced], ["values", "local_id", "exchanged_at"], batch_size=500
    )
    _accept_handoffs(accepted, crm, at, outcome)
    deals = {
        local.pk: r.contacts
        for r in records
        if r.contacts is not None and (local := local_by_rid.get(r.remote_id)) is not None
    }
    if deals:
        _keep_deal_contacts(connection, deals)
    return outcome


def insert(model, objs: list, *, ids: bool = False) -> None:
    """INSERT these unsaved instances as rows (accord.columns), without the ORM's work per
    value: a page of records in a statement or two. `ids`: their primary keys are drawn first
    and set on them (the records others then point at)."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if ids:
        fields = [model._meta.pk, *fields]
        for obj, pk in zip(objs, writes.reserve_ids(model, len(objs)), strict=True):
            obj.pk = pk
    json_fields = {n for n, f in enumerate(fields) if isinstance(f, JSONField)}
    rows = []
    for obj in objs:
        row = [f.pre_save(obj, True) for f in fields]  # auto_now stamps, as a save makes them
        for n in json_fields:
            row[n] = fields[n].get_db_prep_save(row[n], db_connection)
        rows.append(tuple(row))
    writes.insert_rows(model, [f.name for f in fields], rows)


def insert_values(model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT rows of plain values of these fields (every NOT NULL column); a JSON value as
    the database takes it."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    json_fields = [n for n, f in enumerate(fields) if isinstance(f, JSONField)]
    if json_fields:
        rows = [list(row) for row in rows]
        for row in rows:
            for n in json_fields:
                row[n] = fields[n].get_db_prep_save(row[n], db_connection)
        rows = [tuple(row) for row in rows]
    writes.insert_rows(model, names, rows)


def _roles_text(roles) -> str:
    """A deal's contacts as kept with the values exchanged: "id:role;id:role"."""
    return ";".join(f"{r.person}:{r.role}" for r in roles)


def _keep_deal_contacts(connection: Connection, deals: dict[int, tuple]) -> None:
    """Each deal's contacts as the CRM has them now, with their parts (crm.DealContact): a
    contact no longer on the deal leaves it; the first, the contact the deal names, is its
    primary one. A contact not in Accord is left out, as the deal's link to it is."""
    people = _local_links(
        connection, ObjectType.PERSON, {r.person for roles in deals.values() for r in roles}
    )
    wanted: dict[tuple[int, int], tuple[str, bool]] = {}
    for deal, roles in deals.items():
        for n, role in enumerate(roles):
            person = people.get(role.person)
            if person is not None and (deal, person) not in wanted:
                wanted[(deal, person)] = (role.role[:100], n == 0)
    kept = {
        (row.opportunity_id, row.person_id): row
        for row in DealContact.objects.filter(opportunity_id__in=list(deals))
    }
    DealContact.objects.filter(
        pk__in=[row.pk for key, row in kept.items() if key not in wanted]
    ).delete()
    changed = []
    for key, (role, primary) in wanted.items():
        row = kept.get(key)
        if row is not None and (row.role, row.is_primary) != (role, primary):
            row.role, row.is_primary = role, primary
            changed.append(row)
    DealContact.objects.bulk_update(changed, ["role", "is_primary"])
    DealContact.objects.bulk_create(
        DealContact(opportunity_id=deal, person_id=person, role=role, is_primary=primary)
        for (deal, person), (role, primary) in wanted.items()
        if (deal, person) not in kept
    )


def _accepted_in_crm(becomes, local, values: dict, record: RemoteRecord, exchanged: dict) -> bool:
    """A rep marked their MQL accepted (working it) in the CRM since the last exchange: the
    CRM now says SAL where Accord, handing the lead off, says MQL."""
    return (
        becomes == ObjectType.PERSON
        and values.get("lifecycle_stage") == LifecycleStage.SAL
        and local.lifecycle_stage == LifecycleStage.MQL
        and record.fields.get("lifecycle_stage") != exchanged.get("lifecycle_stage")
    )


def _accept_handoffs(accepted: list[tuple[str, int]], crm: str, at, outcome: PageOutcome) -> None:
    """A lead accepted in the CRM while its handoff is open is the rep's accept, through the
    handoff's own service: the SLA clock stops and the history says where it was accepted. A
    lead with no open handoff keeps Accord's stage, as every field Accord owns does."""
    if not accepted:
        return
    handoffs = {
        h.person_id: h
        for h in Handoff.objects.filter(
            person_id__in=[pk for _, pk in accepted], status=Handoff.Status.ASSIGNED
        ).select_related("assigned_to")
    }
    for rid, person_id in accepted:
        handoff = handoffs.get(person_id)
        if handoff is None:
            continue
        try:
            do_accept(handoff, handoff.assigned_to, at=at, where=crm)
        except HandoffRefused as refused:
            outcome.skipped.append((rid, f"Lifecycle stage: {refused.message}"))


def _refresh_rollups(becomes: ObjectType, created: list, updated) -> None:
    """The funnel's rollups for the people made or changed (their stage is written after their
    moves) and the people of accounts whose segment changed."""
    if becomes == ObjectType.PERSON:
        rollups.refresh_people([local.pk for local in created] + [p.pk for p, _ in updated])
    elif becomes == ObjectType.ACCOUNT:
        rollups.refresh_accounts(
            local.pk for local, fields in updated if SEGMENTED.intersection(fields)
        )


def _funnel_refusal(becomes: ObjectType, local, values: dict, owners: dict) -> str | None:
    """Why the funnel refuses the stage the CRM gives a person, or None. When an admin makes
    the CRM the stage's owner, its moves follow the rules a move by hand follows (forward only,
    accepting is the inbox's, the recycle wait), so the record is skipped with the reason."""
    if becomes != ObjectType.PERSON or owners.get("lifecycle_stage") != Side.CRM:
        return None
    stage = values.get("lifecycle_stage")
    if stage is None or stage == local.lifecycle_stage:
        return None
    try:
        check_move_by_hand(local, local.lifecycle_stage, stage)
    except InvalidChange as refusal:
        return f"Lifecycle stage: {refusal.message}"
    return None


def _created(text: str) -> dt.datetime | None:
    """When the CRM made the record (`created_at`: ISO 8601 or milliseconds), for a new one."""
    text = text.strip()
    try:
        if text.isdigit():
            return dt.datetime.fromtimestamp(int(text) / 1000, dt.UTC)
        created = dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None
    return created if created is None or created.tzinfo else created.replace(tzinfo=dt.UTC)


def _was(becomes: ObjectType, f, exchanged: dict):
    """The value last exchanged, as Accord stores it (None when it no longer parses)."""
    if f.link or f.name not in exchanged:
        return None
    try:
        return parse(becomes, f.name, exchanged[f.name])
    except Refused:
        return None


def _match_natural_keys(becomes, parsed, local_of, existing, outcome) -> None:
    """Records not linked yet are matched to Accord's by e-mail (people) or domain (accounts),
    so a company that imported its CRM before does not get every record twice. An e-mail
    another Accord person has is refused with the reason rather than guessed."""
    key = {ObjectType.PERSON: "email", ObjectType.ACCOUNT: "domain"}.get(becomes)
    if key is None:
        return
    model = MODELS[becomes]
    wanted = {v[key].lower() for v in parsed.values() if v.get(key)}
    # (not blank: so the database reads its index of the lower-case values, which leaves the
    # blank ones out, rather than every record)
    found = dict(
        model.objects.annotate(k=Lower(key))
        .filter(k__in=wanted)
        .exclude(**{key: ""})
        .values_list("k", "id")
    )
    taken: dict[str, str] = {}
    for rid in list(parsed):
        value = (parsed[rid].get(key) or "").lower()
        if not value:
            continue
        holder = found.get(value)
        if rid not in local_of and holder is not None and holder not in local_of.values():
            local_of[rid] = holder
        elif holder is not None and holder != local_of.get(rid):
            del parsed[rid]
            outcome.skipped.append((rid, f"another Accord record has the {key} {value}"))
            continue
        if value in taken:
            del parsed[rid]
            outcome.skipped.append((rid, f"the {key} {value} is also {taken[value]}'s"))
            continue
        taken[value] = rid
    existing.update(model.objects.in_bulk(set(local_of.values()) - set(existing)))


def apply_removals(
    connection: Connection, obj: SyncObject, removals: Sequence[Removal], *, at: dt.datetime
) -> int:
    """Records deleted in the CRM are archived in Accord: kept with their history (touches,
    handoffs, lifecycle, audit) and their credit, left off the lists. A record merged into
    another is archived as merged into that one's Accord record, and its touches and deals move
    to it. Each is in the audit trail; the CRM id stays known, so a record restored in the CRM
    comes back. Returns how many Accord records were archived."""
    crm = connection.get_kind_display()
    becomes = obj.becomes
    model = MODELS[becomes]
    rows = {
        s.remote_id: s
        for s in SyncedRecord.objects.filter(
            connection=connection, object=obj.name, remote_id__in=[r.remote_id for r in removals]
        )
    }
    survivors = _local_links(
        connection, becomes, {r.merged_into for r in removals if r.merged_into}
    )
    gone = 0
    for removal in removals:
        row = rows.get(removal.remote_id)
        if row is None:
            continue
        into = survivors.get(removal.merged_into) if removal.merged_into else None
        row.delete()  # nothing more is written back to a record the CRM no longer has
        local = model.objects.filter(pk=row.local_id, archived_at__isnull=True).first()
        if local is None or into == local.pk:
            continue
        if into is not None:
            _move_relations(becomes, local.pk, into)
            reason = f"merged into {crm} {obj.label[:-1]} {removal.merged_into} in {crm}"
        else:
            reason = f"deleted in {crm}; archived with its history"
        local.archived_at, local.merged_into_id = at, into
        local.save(update_fields=["archived_at", "merged_into"])
        gone += 1
        record_change(
            actor=None,
            action=Action.CHANGED,
            record_type=becomes.value,
            record_id=local.pk,
            field="archived_at",
            new=at,
            reason=reason,
            at=at,
        )
    return gone


def _move_relations(becomes: ObjectType, loser: int, winner: int) -> None:
    if becomes == ObjectType.PERSON:
        Touchpoint.objects.filter(person_id=loser).update(person_id=winner)
        Opportunity.objects.filter(primary_contact_id=loser).update(primary_contact_id=winner)
    elif becomes == ObjectType.ACCOUNT:
        Person.objects.filter(account_id=loser).update(account_id=winner)
        Opportunity.objects.filter(account_id=loser).update(account_id=winner)
