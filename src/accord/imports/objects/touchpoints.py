"""Touchpoint files, and a CRM's logged calls, meetings and e-mails: one touch per row; the same
person, moment, type, channel, campaign and UTM tags is the same touch, so importing a file again
adds nothing."""

from functools import cache

from accord.columns import writes
from accord.crm.models import Person, SourceRecord
from accord.imports.engine import Counts, ParsedFile
from accord.imports.objects.common import SYSTEM_LABELS, Plan, SourceIndex
from accord.touchpoints.models import Campaign, Touchpoint

UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
KEY = ("person_id", "occurred_at", "kind", "channel", "campaign_id", *UTM)
EXTRA = ("referrer", "page")
LIMITS = {"campaign": 255, "referrer": 2048, "page": 2048} | {f: 255 for f in UTM}


def _classifier():
    """Channel from UTM tags and referrer, by the rules stored in the database."""
    from accord.touchpoints.classification import get_classifier

    return cache(get_classifier().classify)


def _person(values, parsed, record, emails, people: SourceIndex):
    """The person a touch is of: by the CRM's id of the lead or contact, else by e-mail."""
    if ext := values.get("person_source_id"):
        found = people.find([(parsed.fmt.system, ext)])
        if found is None:
            label = SYSTEM_LABELS[parsed.fmt.system]
            parsed.error(
                record,
                "person_source_id",
                f"no person has {label} id {ext!r}; import the leads and contacts first",
            )
        return found
    person = emails.get(values.get("email", "").lower())
    if person is None and "email" in values:
        parsed.error(record, "email", f"no person has the e-mail {values['email']}")
    return person


def plan_touchpoints(parsed: ParsedFile, reason: str, progress: bool = False) -> Plan:
    emails = {e.lower(): pk for pk, e in Person.objects.values_list("id", "email")}
    people = SourceIndex(SourceRecord.ObjectType.PERSON)
    by_id = "person_source_id" in parsed.headers
    skipped: dict[str, list[int]] = {}
    campaigns = dict(Campaign.objects.values_list("name", "id"))
    existing = {row[:-3]: row[-3:] for row in Touchpoint.objects.values_list(*KEY, *EXTRA, "id")}
    classify = None
    new_campaigns: dict[str, dict] = {}
    planned: dict[tuple, list] = {}
    for record in parsed.records:
        values = record.values
        bad = False
        for name, limit in LIMITS.items():
            if len(values.get(name, "")) > limit:
                parsed.error(record, name, f"is longer than {limit} characters")
                bad = True
        if by_id and "person_source_id" not in values:
            why = f"names no lead or contact ({parsed.headers['person_source_id']} is blank)"
            skipped.setdefault(why, []).append(record.row)
            continue
        if "not_a_touch" in values:  # a note, a task that is no call, an e-mail not delivered
            skipped.setdefault(values["not_a_touch"], []).append(record.row)
            continue
        person = _person(values, parsed, record, emails, people)
        if bad or person is None or "kind" not in values or "occurred_at" not in values:
            continue
        channel = values.get("channel")
        if channel is None:
            classify = classify or _classifier()
            channel = classify(
                *(
                    values.get(f, "")
                    for f in ("utm_source", "utm_medium", "utm_campaign", "referrer")
                )
            )
        campaign = values.get("campaign")
        if campaign is not None and campaign not in campaigns:
            new_campaigns.setdefault(
                campaign, {"channel": channel, "utm_campaign": values.get("utm_campaign", "")}
            )
        key = (
            person,
            values["occurred_at"],
            values["kind"],
            channel,
            campaign,
            *(values.get(f, "") for f in UTM),
        )
        extra = [values.get(f) for f in EXTRA]
        if key in planned:
            planned[key] = [new or old for new, old in zip(extra, planned[key], strict=True)]
        else:
            planned[key] = extra

    counts = Counts()
    inserts, updates = [], []
    for key, extra in planned.items():
        found = None
        if key[4] is None or key[4] in campaigns:  # a campaign made by this import is new
            found = existing.get((*key[:4], campaigns.get(key[4]), *key[5:]))
        if found is None:
            inserts.append((key, [e or "" for e in extra]))
            counts.created += 1
            continue
        merged = [new or old for new, old in zip(extra, found[:2], strict=True)]
        if merged == list(found[:2]):
            counts.unchanged += 1
        else:
            updates.append((*merged, found[2]))
            counts.updated += 1

    campaign_counts = Counts(created=len(new_campaigns))

    def write():
        created = Campaign.objects.bulk_create(
            [Campaign(name=name, **fields) for name, fields in new_campaigns.items()]
        )
        campaigns.update({c.name: c.pk for c in created})
        writes.insert_rows(
            Touchpoint,
            (*KEY, *EXTRA),
            ((*key[:4], campaigns.get(key[4]), *key[5:], *extra) for key, extra in inserts),
        )
        writes.update_rows(Touchpoint, EXTRA, updates)

    notes = [
        f"{len(rows)} row{'s' if len(rows) > 1 else ''} skipped, each {why}: {_rows(rows)}"
        for why, rows in skipped.items()
    ]
    return Plan(
        counts={"touchpoints": counts, "campaigns": campaign_counts}, write=write, notes=notes
    )


def _rows(rows: list[int]) -> str:
    more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
    return ", ".join(map(str, rows[:10])) + more
