"""Campaigns, their members and the people of deals, as a CRM keeps them, written into Accord:

- a campaign becomes an Accord campaign, its channel named from its type by the source mappings
  (`accord mappings set source "TYPE" CHANNEL`), never guessed: a type nothing names is skipped
  with the reason until it is mapped;
- a member becomes a touch of that campaign by the person, at the moment they responded (or,
  having not responded, joined it);
- every contact role of a deal is kept (its role, whether primary), so everyone on a deal is
  known; the primary one names the deal's primary contact (whose touches the person journey
  credits; the account journey credits every person of the deal's account).

Called by the engine inside a page's transaction, like `records.apply_page`; each record the CRM
sends again is applied again to the same Accord record (the link is kept in SyncedRecord)."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError

from accord.audit.services import Action, RecordType, record_change
from accord.crm.models import DealContact, Opportunity, SourceRecord
from accord.crm.services import InvalidChange
from accord.crm_sync.connector import ObjectType, RemoteRecord, Removal, SyncObject
from accord.crm_sync.fields import Refused, _amount, _date, _text
from accord.crm_sync.models import Connection, SyncedRecord
from accord.crm_sync.records import PageOutcome, _created, _local_links
from accord.imports.mappings import translate
from accord.imports.models import ValueMapping
from accord.touchpoints.members import (
    ACTIVITY_CHANNEL,
    NotATouch,
    activity_touch,
    campaign_kind,
    member_touch_kind,
)
from accord.touchpoints.models import Campaign, Channel, Touchpoint
from accord.touchpoints.services import check_campaign_change, do_archive_touches


def campaign_channel(campaign_type: str) -> str:
    """The channel a campaign of this type is in, by Accord's names and the source mappings;
    Refused, naming the mapping to make, when nothing names it. No type: unassigned."""
    if not campaign_type.strip():
        return Channel.UNASSIGNED.value
    channel = translate(ValueMapping.Kind.SOURCE, campaign_type)
    if channel is None:
        raise Refused(
            f"unknown campaign type {campaign_type!r}: map it to a channel with accord mappings "
            f'set source "{campaign_type}" CHANNEL (or in the admin)'
        )
    return channel


def _synced(connection: Connection, obj: SyncObject, ids) -> dict[str, SyncedRecord]:
    rows = SyncedRecord.objects.filter(connection=connection, object=obj.name, remote_id__in=ids)
    return {row.remote_id: row for row in rows}


def _keep(connection, obj, rid, local_id, values, synced) -> bool:
    """Remember what was exchanged; True when the CRM sent it exactly as last time."""
    row = synced.get(rid)
    if row is None:
        SyncedRecord.objects.create(
            connection=connection, object=obj.name, remote_id=rid, local_id=local_id, values=values
        )
        return False
    if row.values == values and row.local_id == local_id:
        return True
    row.values, row.local_id = values, local_id
    row.save(update_fields=["values", "local_id"])
    return False


# Campaigns ----------------------------------------------------------------------------------


def _campaign_values(fields: dict[str, str]) -> dict:
    values = {
        "name": _text(255)(fields.get("name", "")),
        "channel": campaign_channel(fields.get("type", "")),
    }
    values["kind"] = campaign_kind(values["channel"])
    if not values["name"]:
        raise Refused("a campaign needs a name")
    for name in ("start_date", "end_date"):
        if name in fields:
            values[name] = _date(fields[name]) if fields[name].strip() else None
    if fields.get("cost", "").strip():
        values["cost"] = _amount(fields["cost"])
    if fields.get("status"):
        values["status"] = fields["status"]
    return values


def apply_campaigns(
    connection: Connection, obj: SyncObject, records: Sequence[RemoteRecord], *, at: dt.datetime
) -> PageOutcome:
    outcome = PageOutcome(pulled=len(records))
    crm = connection.get_kind_display()
    synced = _synced(connection, obj, [r.remote_id for r in records])
    linked = _local_links(connection, ObjectType.CAMPAIGN, {r.remote_id for r in records})
    for record in records:
        rid = record.remote_id
        try:
            values = _campaign_values(record.fields)
        except (Refused, ValueError, ArithmeticError) as refused:
            outcome.skipped.append((rid, f"Campaign: {refused}"))
            continue
        local_id = synced[rid].local_id if rid in synced else linked.get(rid)
        campaign = Campaign.objects.filter(pk=local_id).first() if local_id else None
        if campaign is None:  # a campaign Accord already has by that name is the same one
            campaign = Campaign.objects.filter(name=values["name"]).first()
        elif values["name"] != campaign.name and (
            Campaign.objects.filter(name=values["name"]).exclude(pk=campaign.pk).exists()
        ):
            outcome.skipped.append((rid, f"another Accord campaign is named {values['name']!r}"))
            continue
        refusal = _status_refusal(campaign, values)
        if refusal:
            outcome.skipped.append((rid, refusal))
        if campaign is None:
            campaign = Campaign.objects.create(**values)
            outcome.created += 1
            record_change(
                actor=None,
                action=Action.CREATED,
                record_type=RecordType.CAMPAIGN,
                record_id=campaign.pk,
                field="",
                new=campaign.name,
                reason=f"pulled from {crm} campaign {rid}",
                at=at,
            )
        else:
            changed = {k: v for k, v in values.items() if getattr(campaign, k) != v}
            for name, value in changed.items():
                record_change(
                    actor=None,
                    action=Action.CHANGED,
                    record_type=RecordType.CAMPAIGN,
                    record_id=campaign.pk,
                    field=name,
                    old=getattr(campaign, name),
                    new=value,
                    reason=f"pulled from {crm} campaign {rid}",
                    at=at,
                )
                setattr(campaign, name, value)
            if changed:
                campaign.save(update_fields=list(changed))
                outcome.changed += 1
                if "channel" in changed:
                    _touches_follow(connection, campaign)
        SourceRecord.objects.get_or_create(
            system=connection.kind,
            object_type=ObjectType.CAMPAIGN,
            external_id=rid,
            defaults={"object_id": campaign.pk},
        )
        if _keep(connection, obj, rid, campaign.pk, dict(record.fields), synced):
            outcome.unchanged += 1
    return outcome


def _status_refusal(campaign: Campaign | None, values: dict) -> str | None:
    """A campaign goes live in Accord only as the joint plan allows (planning's rule, on every
    path): a CRM status it refuses is left as it was, and the reason listed."""
    if "status" not in values:
        return None
    probe = campaign or Campaign(**{k: v for k, v in values.items() if k != "status"})
    try:
        check_campaign_change(probe, {"status": values["status"]} | _dates(values))
    except (ValidationError, InvalidChange) as refusal:
        status = values.pop("status")
        said = getattr(refusal, "message_dict", {}).get("status", [str(refusal)])[0]
        return f"Status {status!r} not taken (the rest of the campaign is): {said}"
    return None


def _dates(values: dict) -> dict:
    return {k: values[k] for k in ("start_date",) if k in values}


def _touches_follow(connection: Connection, campaign: Campaign) -> None:
    """The members' touches of a campaign whose channel changed (a type mapped anew) move with
    it, so credit reads one channel per campaign."""
    touch_ids = SyncedRecord.objects.filter(
        connection=connection, object__in=MEMBER_OBJECTS
    ).values("local_id")
    Touchpoint.objects.filter(campaign=campaign, pk__in=touch_ids).update(channel=campaign.channel)


# Members ------------------------------------------------------------------------------------

MEMBER_OBJECTS = ("CampaignMember",)


def _moment(text: str) -> dt.datetime | None:
    moment = _created(text)
    if moment is None and text.strip():
        day = _date(text)
        moment = dt.datetime.combine(day, dt.time(), dt.UTC) if day else None
    return moment


def apply_members(
    connection: Connection, obj: SyncObject, records: Sequence[RemoteRecord], *, at: dt.datetime
) -> PageOutcome:
    outcome = PageOutcome(pulled=len(records))
    crm = connection.get_kind_display()
    synced = _synced(connection, obj, [r.remote_id for r in records])
    people = _local_links(
        connection,
        ObjectType.PERSON,
        {r.fields.get(k, "") for r in records for k in ("person", "lead")} - {""},
    )
    campaign_ids = _local_links(
        connection, ObjectType.CAMPAIGN, {r.fields.get("campaign", "") for r in records} - {""}
    )
    campaigns = Campaign.objects.in_bulk(set(campaign_ids.values()))
    touches = Touchpoint.objects.in_bulk([s.local_id for s in synced.values()])
    for record in records:
        rid, fields = record.remote_id, record.fields
        person = people.get(fields.get("person", "")) or people.get(fields.get("lead", ""))
        campaign = campaigns.get(campaign_ids.get(fields.get("campaign", "")))
        at_moment = _moment(fields.get("at", ""))
        if person is None:
            outcome.skipped.append((rid, f"its person {fields.get('person', '')} is not in Accord"))
            continue
        if campaign is None:
            outcome.skipped.append(
                (rid, f"its campaign {fields.get('campaign', '')} is not in Accord")
            )
            continue
        if at_moment is None:
            outcome.skipped.append((rid, "no date it joined or responded"))
            continue
        values = {
            "person_id": person,
            "campaign_id": campaign.pk,
            "channel": campaign.channel,
            "kind": member_touch_kind(campaign.channel, fields.get("responded") == "true"),
            "occurred_at": at_moment,
        }
        touch = touches.get(synced[rid].local_id) if rid in synced else None
        touch = _write_touch(touch, values, outcome, f"pulled from {crm} campaign member {rid}", at)
        if _keep(connection, obj, rid, touch.pk, dict(fields), synced):
            outcome.unchanged += 1
    return outcome


def apply_activities(
    connection: Connection, obj: SyncObject, records: Sequence[RemoteRecord], *, at: dt.datetime
) -> PageOutcome:
    """A call, meeting or e-mail a rep logged with a contact is a sales touch of that person,
    then, as an import makes it (`activity_touch`); a note or an e-mail never delivered is
    none, and one that stops being one (an e-mail that bounced) has its touch archived."""
    outcome = PageOutcome(pulled=len(records))
    crm = connection.get_kind_display()
    synced = _synced(connection, obj, [r.remote_id for r in records])
    people = _local_links(
        connection, ObjectType.PERSON, {r.fields.get("person", "") for r in records} - {""}
    )
    touches = Touchpoint.objects.in_bulk([s.local_id for s in synced.values()])
    for record in records:
        rid, fields = record.remote_id, record.fields
        person = people.get(fields.get("person", ""))
        moment = _moment(fields.get("at", ""))
        if not fields.get("person"):
            outcome.skipped.append((rid, "logged with no contact"))
            continue
        if person is None:
            outcome.skipped.append((rid, f"its contact {fields['person']} is not in Accord"))
            continue
        if moment is None:
            outcome.skipped.append((rid, "no time it took place"))
            continue
        touch = touches.get(synced[rid].local_id) if rid in synced else None
        try:
            kind = activity_touch(
                fields["kind"],
                direction=fields.get("email_direction", ""),
                status=fields.get("email_status", ""),
            )
        except NotATouch as none:
            outcome.skipped.append((rid, str(none)))
            if touch is not None:
                _drop_touch(touch.pk, f"{obj.label[:-1]} {rid} in {crm}: {none}", at)
                synced[rid].delete()
            continue
        values = {
            "person_id": person,
            "channel": ACTIVITY_CHANNEL,
            "kind": kind,
            "occurred_at": moment,
        }
        touch = _write_touch(
            touch, values, outcome, f"pulled from {crm} {obj.label[:-1]} {rid}", at
        )
        if _keep(connection, obj, rid, touch.pk, dict(fields), synced):
            outcome.unchanged += 1
    return outcome


def _write_touch(
    touch: Touchpoint | None, values: dict, outcome: PageOutcome, reason: str, at: dt.datetime
) -> Touchpoint:
    """Make the touch a pulled record stands for, or change the one made before, audited."""
    if touch is None:
        outcome.created += 1
        return Touchpoint.objects.create(**values)
    changed = [k for k, v in values.items() if getattr(touch, k) != v]
    if changed:
        for name in changed:
            setattr(touch, name, values[name])
        touch.save(update_fields=changed)
        outcome.changed += 1
        record_change(
            actor=None,
            action=Action.CHANGED,
            record_type=RecordType.TOUCHPOINT,
            record_id=touch.pk,
            field=",".join(changed),
            reason=reason,
            at=at,
        )
    return touch


# The people of deals ------------------------------------------------------------------------


def apply_deal_contacts(
    connection: Connection, obj: SyncObject, records: Sequence[RemoteRecord], *, at: dt.datetime
) -> PageOutcome:
    outcome = PageOutcome(pulled=len(records))
    crm = connection.get_kind_display()
    synced = _synced(connection, obj, [r.remote_id for r in records])
    deals = _local_links(
        connection, ObjectType.OPPORTUNITY, {r.fields.get("deal", "") for r in records} - {""}
    )
    people = _local_links(
        connection, ObjectType.PERSON, {r.fields.get("person", "") for r in records} - {""}
    )
    for record in records:
        rid, fields = record.remote_id, record.fields
        deal = deals.get(fields.get("deal", ""))
        person = people.get(fields.get("person", ""))
        if deal is None:
            outcome.skipped.append((rid, f"its deal {fields.get('deal', '')} is not in Accord"))
            continue
        if person is None:
            outcome.skipped.append(
                (rid, f"its contact {fields.get('person', '')} is not in Accord")
            )
            continue
        before = synced.get(rid)
        _keep_role(deal, person, fields, before, people)
        if fields.get("primary") == "true":
            _set_primary(deal, person, f"primary contact role {rid} in {crm}", at)
        elif before and before.values.get("primary") == "true":
            _set_primary(
                deal,
                None,
                f"no longer the primary contact role {rid} in {crm}",
                at,
                only_if=people.get(before.values.get("person", "")),
            )
        if _keep(connection, obj, rid, deal, dict(fields), synced):
            outcome.unchanged += 1
    return outcome


def _keep_role(deal: int, person: int, fields: dict, before, people: dict) -> None:
    """The person's role in the deal as the CRM names it now; a role moved to another contact
    leaves the one it named."""
    if before is not None:
        was = people.get(before.values.get("person", ""))
        if was is not None and was != person:
            DealContact.objects.filter(opportunity_id=before.local_id, person_id=was).delete()
    DealContact.objects.update_or_create(
        opportunity_id=deal,
        person_id=person,
        defaults={
            "role": fields.get("role", "")[:100],
            "is_primary": fields.get("primary") == "true",
        },
    )


def _set_primary(deal_id: int, person_id, reason: str, at, *, only_if=None) -> None:
    deal = Opportunity.objects.filter(pk=deal_id).first()
    if deal is None or deal.primary_contact_id == person_id:
        return
    if person_id is None and deal.primary_contact_id != only_if:
        return  # another role is primary now
    record_change(
        actor=None,
        action=Action.CHANGED,
        record_type=RecordType.OPPORTUNITY,
        record_id=deal.pk,
        field="primary_contact_id",
        old=deal.primary_contact_id,
        new=person_id,
        reason=reason,
        at=at,
    )
    deal.primary_contact_id = person_id
    deal.save(update_fields=["primary_contact_id"])


# Removals -----------------------------------------------------------------------------------


def remove_pulled(
    connection: Connection, obj: SyncObject, removals: Sequence[Removal], *, at: dt.datetime
) -> int:
    """A campaign deleted in the CRM stays in Accord with its touches (history and credit are
    kept), no longer linked; a member removed from a campaign, or a logged call, meeting or
    e-mail deleted, has its touch archived (kept, out of every count and credit); a deal's
    contact role removed is no
    longer kept, and the primary one removed leaves the deal without a primary contact."""
    crm = connection.get_kind_display()
    rows = _synced(connection, obj, [r.remote_id for r in removals])
    gone = 0
    for removal in removals:
        row = rows.get(removal.remote_id)
        if row is None:
            continue
        if obj.becomes in (ObjectType.TOUCHPOINT, ObjectType.ACTIVITY):
            reason = f"{obj.label[:-1]} {removal.remote_id} removed in {crm}"
            gone += _drop_touch(row.local_id, reason, at)
        elif obj.becomes == ObjectType.DEAL_CONTACT:
            _remove_role(connection, row, f"contact role {removal.remote_id} deleted in {crm}", at)
            gone += 1
        elif obj.becomes == ObjectType.CAMPAIGN:
            SourceRecord.objects.filter(
                system=connection.kind, object_type=ObjectType.CAMPAIGN, external_id=row.remote_id
            ).delete()
            record_change(
                actor=None,
                action=Action.CHANGED,
                record_type=RecordType.CAMPAIGN,
                record_id=row.local_id,
                field="",
                reason=f"deleted in {crm}; kept in Accord with its touches",
                at=at,
            )
        row.delete()
    return gone


def _remove_role(connection: Connection, row: SyncedRecord, reason: str, at) -> None:
    """The role is no longer kept; the primary one gone leaves the deal without a primary
    contact (unless another role is primary by now)."""
    remote_person = row.values.get("person", "")
    person = _local_links(connection, ObjectType.PERSON, {remote_person}).get(remote_person)
    DealContact.objects.filter(opportunity_id=row.local_id, person_id=person).delete()
    if row.values.get("primary") == "true":
        _set_primary(row.local_id, None, f"primary {reason}", at, only_if=person)


def _drop_touch(touch_id: int, reason: str, at: dt.datetime) -> int:
    """The touch leaves the live ones, archived with the reason (kept, out of every count)."""
    return do_archive_touches([touch_id], reason=reason, at=at)


APPLY = {
    ObjectType.CAMPAIGN: apply_campaigns,
    ObjectType.TOUCHPOINT: apply_members,
    ObjectType.ACTIVITY: apply_activities,
    ObjectType.DEAL_CONTACT: apply_deal_contacts,
}
