"""A CRM's campaigns, their members and the contacts of its deals, from its export files.

Campaigns are matched by the CRM's id, then by name; a member becomes a touch of its campaign by
the person, at the moment they responded (or became a member), matched again on importing the
file twice; every contact role of a deal is kept, the primary one naming the deal's primary
contact. The campaigns,
leads, contacts and deals a file names are imported first."""

import datetime as dt

from accord.crm.models import DealContact, Opportunity, SourceRecord
from accord.imports.engine import Counts, ParsedFile
from accord.imports.objects.common import SYSTEM_LABELS, Plan, SourceIndex
from accord.touchpoints.members import campaign_kind, member_touch_kind
from accord.touchpoints.models import Campaign, Touchpoint

CAMPAIGN_FIELDS = ("name", "channel", "kind", "status", "start_date", "end_date", "cost")


def plan_campaigns(parsed: ParsedFile, reason: str, progress: bool = False) -> Plan:
    sources = SourceIndex(SourceRecord.ObjectType.CAMPAIGN)
    by_name = dict(Campaign.objects.values_list("name", "id"))
    existing = Campaign.objects.in_bulk()
    counts = Counts()
    creates: dict[str, tuple[dict, list]] = {}  # by name: the fields, the ids to link
    updates: dict[int, dict] = {}
    for record in parsed.records:
        values = dict(record.values)
        if len(values.get("name", "")) > 255:
            parsed.error(record, "name", "is longer than 255 characters")
            continue
        if "channel" in values:
            values["kind"] = campaign_kind(values["channel"])
        if values.get("status") == Campaign.Status.ACTIVE:
            # Going live is the joint plan's (both heads sign it): an import never does it.
            values.pop("status")
        pairs = [(parsed.fmt.system, values["source_id"])] if values.get("source_id") else []
        fields = {f: values[f] for f in CAMPAIGN_FIELDS if f in values}
        pk = sources.find(pairs) or by_name.get(values["name"])
        if pk is None:
            if values["name"] in creates:
                creates[values["name"]][0].update(fields)
                creates[values["name"]][1].extend(pairs)
            else:
                creates[values["name"]] = (fields, pairs)
                counts.created += 1
            continue
        sources.link(pairs, pk)
        campaign = existing[pk]
        if fields.get("name", campaign.name) != campaign.name and fields["name"] in by_name:
            parsed.error(record, "name", f"another campaign is named {fields['name']!r}")
            continue
        changed = {f: v for f, v in fields.items() if getattr(campaign, f) != v}
        if changed:
            updates.setdefault(pk, {}).update(changed)
            counts.updated += 1
        else:
            counts.unchanged += 1

    def write():
        for fields, pairs in creates.values():
            campaign = Campaign.objects.create(**fields)
            sources.link(pairs, campaign.pk)
        for pk, changed in updates.items():
            Campaign.objects.filter(pk=pk).update(**changed)
        sources.write(lambda target: target)

    return Plan(counts={"campaigns": counts}, write=write)


def plan_campaign_members(parsed: ParsedFile, reason: str, progress: bool = False) -> Plan:
    system, label = parsed.fmt.system, SYSTEM_LABELS[parsed.fmt.system]
    people = SourceIndex(SourceRecord.ObjectType.PERSON)
    campaigns = SourceIndex(SourceRecord.ObjectType.CAMPAIGN)
    channels = dict(Campaign.objects.values_list("id", "channel"))
    key_fields = ("person_id", "campaign_id", "occurred_at", "kind", "channel")
    existing = set(Touchpoint.objects.filter(campaign__isnull=False).values_list(*key_fields))
    counts = Counts()
    planned: set[tuple] = set()
    for record in parsed.records:
        values = record.values
        campaign = campaigns.find([(system, values["campaign_source_id"])])
        if campaign is None:
            parsed.error(
                record,
                "campaign_source_id",
                f"no campaign has {label} id {values['campaign_source_id']!r}; import the "
                "campaigns first",
            )
            continue
        ids = [values.get("person_source_id"), values.get("lead_source_id")]
        person = people.find([(system, ext) for ext in ids if ext])
        if person is None:
            named = next((ext for ext in ids if ext), "")
            column = "person_source_id" if values.get("person_source_id") else "lead_source_id"
            parsed.error(
                record,
                column,
                f"no person has {label} id {named!r}; import the leads and contacts first"
                if named
                else "names no lead or contact",
            )
            continue
        at = values.get("responded_at") or values.get("created_at")
        if at is None:
            parsed.error(record, "created_at", "is blank, and so is the date they responded")
            continue
        if isinstance(at, dt.date) and not isinstance(at, dt.datetime):
            at = dt.datetime.combine(at, dt.time(), dt.UTC)
        channel = channels[campaign]
        responded = bool(values.get("responded") or values.get("responded_at"))
        key = (person, campaign, at, member_touch_kind(channel, responded), channel)
        if key in existing:
            counts.unchanged += 1
        elif key not in planned:
            planned.add(key)
            counts.created += 1

    def write():
        Touchpoint.objects.bulk_create(
            [Touchpoint(**dict(zip(key_fields, key, strict=True))) for key in planned],
            batch_size=1000,
        )

    return Plan(counts={"touchpoints": counts}, write=write)


def plan_deal_contacts(parsed: ParsedFile, reason: str, progress: bool = False) -> Plan:
    """Every contact role of a deal is kept (its role, whether primary); the primary one also
    names the deal's primary contact."""
    system, label = parsed.fmt.system, SYSTEM_LABELS[parsed.fmt.system]
    people = SourceIndex(SourceRecord.ObjectType.PERSON)
    deals = SourceIndex(SourceRecord.ObjectType.OPPORTUNITY)
    primary_of = dict(Opportunity.objects.values_list("id", "primary_contact_id"))
    kept = {
        (deal, person): (pk, role, primary)
        for pk, deal, person, role, primary in DealContact.objects.values_list(
            "id", "opportunity_id", "person_id", "role", "is_primary"
        )
    }
    counts, role_counts = Counts(), Counts()
    chosen: dict[int, int] = {}
    roles: dict[tuple[int, int], tuple[str, bool]] = {}
    for record in parsed.records:
        values = record.values
        deal = deals.find([(system, values["opportunity_source_id"])])
        person = people.find([(system, values["person_source_id"])])
        if deal is None:
            parsed.error(
                record,
                "opportunity_source_id",
                f"no deal has {label} id {values['opportunity_source_id']!r}; import the "
                "opportunities first",
            )
            continue
        if person is None:
            parsed.error(
                record,
                "person_source_id",
                f"no person has {label} id {values['person_source_id']!r}; import the "
                "contacts first",
            )
            continue
        roles[(deal, person)] = (values.get("role", "")[:100], bool(values.get("primary")))
        if not values.get("primary"):
            continue
        if deal in chosen and chosen[deal] != person:
            parsed.error(record, "primary", "a second primary contact of the same opportunity")
            continue
        chosen[deal] = person
    for deal, person in chosen.items():
        if primary_of.get(deal) == person:
            counts.unchanged += 1
        else:
            counts.updated += 1
    new_roles, changed_roles = [], []
    for (deal, person), (role, primary) in roles.items():
        found = kept.get((deal, person))
        if found is None:
            new_roles.append(
                DealContact(opportunity_id=deal, person_id=person, role=role, is_primary=primary)
            )
        elif found[1:] != (role, primary):
            changed_roles.append(DealContact(pk=found[0], role=role, is_primary=primary))
        else:
            role_counts.unchanged += 1
    role_counts.created, role_counts.updated = len(new_roles), len(changed_roles)

    def write():
        changed = [
            Opportunity(pk=deal, primary_contact_id=person)
            for deal, person in chosen.items()
            if primary_of.get(deal) != person
        ]
        Opportunity.objects.bulk_update(changed, ["primary_contact_id"], batch_size=1000)
        DealContact.objects.bulk_create(new_roles, batch_size=1000)
        DealContact.objects.bulk_update(changed_roles, ["role", "is_primary"], batch_size=1000)

    return Plan(counts={"opportunities": counts, "contact roles": role_counts}, write=write)
