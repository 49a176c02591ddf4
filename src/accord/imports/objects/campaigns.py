"""A CRM's campaigns, their members and the contacts of its deals, from its export files.

Campaigns are matched by the CRM's id, then by name; a member becomes a touch of its campaign by
the person, at the moment they responded (or became a member), kept with the membership so that
importing the file again changes that touch and a member no longer listed has it archived; every
contact role of a deal is kept, the primary one naming the deal's primary contact. The campaigns,
leads, contacts and deals a file names are imported first."""

import datetime as dt
from collections import Counter

from django.utils import timezone

from accord.crm.models import DealContact, Opportunity, SourceRecord
from accord.imports.engine import Counts, ImportRefused, KeptCampaign, ParsedFile
from accord.imports.models import CampaignMembership
from accord.imports.objects.common import SYSTEM_LABELS, Plan, SourceIndex
from accord.touchpoints.members import campaign_kind, member_touch_kind
from accord.touchpoints.models import Campaign, Touchpoint
from accord.touchpoints.services import do_archive_touches

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


def _member_touch(values: dict, campaign: int, person: int, channel: str, at) -> dict:
    responded = bool(values.get("responded") or values.get("responded_at"))
    return {
        "person_id": person,
        "campaign_id": campaign,
        "occurred_at": at,
        "kind": member_touch_kind(channel, responded),
        "channel": channel,
    }


def plan_campaign_members(parsed: ParsedFile, reason: str, progress: bool = False) -> Plan:
    """Each member is one touch of its campaign, kept with the membership: a member who
    responded since moves their touch to when they responded. The file lists the whole
    membership of each campaign it names, so a member an earlier import took that it no longer
    lists was removed in the CRM: their touch is archived (kept, out of every count and
    credit), and the result says so."""
    system, label = parsed.fmt.system, SYSTEM_LABELS[parsed.fmt.system]
    people = SourceIndex(SourceRecord.ObjectType.PERSON)
    campaigns = SourceIndex(SourceRecord.ObjectType.CAMPAIGN)
    channels = dict(Campaign.objects.values_list("id", "channel"))
    key_fields = ("person_id", "campaign_id", "occurred_at", "kind", "channel")
    touches = {
        row[:-1]: row[-1]
        for row in Touchpoint.objects.filter(campaign__isnull=False).values_list(*key_fields, "id")
    }
    memberships = {
        (m.campaign_id, m.person_id): m for m in CampaignMembership.objects.select_related("touch")
    }
    counts = Counts()
    listed: dict[tuple[int, int], dict] = {}  # (campaign, person) -> the touch's fields
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
        listed[(campaign, person)] = _member_touch(values, campaign, person, channels[campaign], at)

    creates, updates, links = [], [], []  # links: memberships of touches made before
    for key, fields in listed.items():
        membership = memberships.get(key)
        touch = membership.touch if membership else None
        if touch is None:
            found = touches.get(tuple(fields[f] for f in key_fields))
            if found is None:
                creates.append((key, fields))
                counts.created += 1
                continue
            links.append((key, found))
            counts.unchanged += 1
        elif any(getattr(touch, f) != v for f, v in fields.items()):
            updates.append((touch, fields))
            counts.updated += 1
        else:
            counts.unchanged += 1
    named = {campaign for campaign, _ in listed}
    emptied = _emptied(parsed, campaigns, named)
    removed = [
        m
        for key, m in memberships.items()
        if (key[0] in named and key not in listed) or key[0] in emptied
    ]
    left_alone = Counter(
        m.campaign_id
        for key, m in memberships.items()
        if key[0] not in named and key[0] not in emptied and m.touch_id
    )
    names = dict(
        Campaign.objects.filter(pk__in=named | set(emptied) | set(left_alone)).values_list(
            "id", "name"
        )
    )
    notes = [
        f"{n} member{'s' if n > 1 else ''} of {names[c]!r} no longer listed (removed in "
        f"{label}): {'their touches' if n > 1 else 'its touch'} archived"
        for c, n in Counter(m.campaign_id for m in removed if m.touch_id).items()
        if c not in emptied
    ]
    notes += [
        f"every member of {names[c]!r} removed in {label} (--emptied-campaign {emptied[c]}): "
        f"{n} touch{'es' if n > 1 else ''} archived"
        for c, n in Counter(m.campaign_id for m in removed if m.touch_id).items()
        if c in emptied
    ]
    ids = _source_ids(system, set(left_alone))
    kept = [KeptCampaign(ids[c], names[c], n) for c, n in left_alone.items() if c in ids]
    notes += [
        f"{names[c]!r} has no row in this file: the touches of its {n} member"
        f"{'s' if n > 1 else ''} imported before are kept; if every member was removed in "
        f"{label}, import it with --emptied-campaign {ids.get(c, '?')}"
        for c, n in left_alone.items()
    ]

    def write():
        made = Touchpoint.objects.bulk_create(
            [Touchpoint(**fields) for _, fields in creates], batch_size=1000
        )
        for touch, fields in updates:
            for name, value in fields.items():
                setattr(touch, name, value)
        Touchpoint.objects.bulk_update(
            [touch for touch, _ in updates], ["occurred_at", "kind", "channel"], batch_size=1000
        )
        for (campaign, person), touch in [
            *zip([key for key, _ in creates], [t.pk for t in made], strict=True),
            *links,
        ]:
            memberships[(campaign, person)] = CampaignMembership(
                pk=getattr(memberships.get((campaign, person)), "pk", None),
                campaign_id=campaign,
                person_id=person,
                touch_id=touch,
            )
        CampaignMembership.objects.bulk_create(
            [m for m in memberships.values() if m.pk is None], batch_size=1000
        )
        relinked = {key for key, _ in creates} | {key for key, _ in links}
        CampaignMembership.objects.bulk_update(
            [m for key, m in memberships.items() if m.pk and key in relinked], ["touch"]
        )
        do_archive_touches(
            [m.touch_id for m in removed if m.touch_id],
            reason=f"no longer a member of the campaign in {reason}",
            at=timezone.now(),
        )
        CampaignMembership.objects.filter(pk__in=[m.pk for m in removed]).delete()

    return Plan(counts={"touchpoints": counts}, write=write, notes=notes, kept_campaigns=kept)


def _emptied(parsed: ParsedFile, campaigns: SourceIndex, named: set[int]) -> dict[int, str]:
    """The campaigns the user says lost every member ({campaign: its CRM id}); an id no
    campaign has, or one of a campaign the file lists members of, refuses the file."""
    system, label = parsed.fmt.system, SYSTEM_LABELS[parsed.fmt.system]
    emptied = {}
    for ext in parsed.options.emptied_campaigns:
        campaign = campaigns.find([(system, ext)])
        if campaign is None:
            raise ImportRefused(
                f"--emptied-campaign {ext}: no campaign has {label} id {ext!r}; nothing was written"
            )
        if campaign in named:
            raise ImportRefused(
                f"--emptied-campaign {ext}: the file lists members of that campaign; nothing "
                "was written"
            )
        emptied[campaign] = ext
    return emptied


def _source_ids(system: str, campaigns: set[int]) -> dict[int, str]:
    return dict(
        SourceRecord.objects.filter(
            system=system, object_type=SourceRecord.ObjectType.CAMPAIGN, object_id__in=campaigns
        ).values_list("object_id", "external_id")
    )


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
