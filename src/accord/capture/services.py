"""Leads and touches from websites and tools: find or make the person, record the touch, score.

Every write here is race-safe on its own: people and accounts are made by one
`INSERT ... ON CONFLICT DO NOTHING` against their case-insensitive unique e-mail and domain, and
read back when a concurrent capture made them first, so many requests capturing one lead make
one person. A capture costs few round trips to the database: no savepoints, the touch and its
form (and its campaign) in one statement on PostgreSQL, and the person is locked for routing by
the same read that gives the answer its score (bench/README.md, "Lead capture load").
"""

from functools import partial

from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone

from accord.agreement.models import AgreementVersion
from accord.agreement.selectors import get_agreement_in_force
from accord.agreement.services import do_rescore_people
from accord.capture.models import FormFill
from accord.capture.sql import insert_or_nothing
from accord.crm import rollups
from accord.crm.emails import FREE_MAIL, email_domain
from accord.crm.models import Account, LifecycleStage, Person
from accord.crm.services import do_record_lifecycle_changes
from accord.handoff.models import Handoff
from accord.handoff.routing import NoRepAvailable, NotRoutable, do_route, route_locked
from accord.handoff.terms import SlaTerms
from accord.telemetry import record_capture
from accord.touchpoints.classification import classify_channel, get_classifier
from accord.touchpoints.models import Campaign, Touchpoint

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
TOUCH_FIELDS = (*UTM_FIELDS, "referrer", "page")
PERSON_FIELDS = ("first_name", "last_name", "title", "phone")
CAPTURE_REASON = "lead capture"


class BatchRefused(Exception):
    """Items of a batch that cannot be recorded: (index, field, reason) each; nothing was."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        self.errors = errors
        super().__init__(f"{len(errors)} touchpoints refused")


def person_with_email(email: str):
    """People whose e-mail is this one in any letter case, read through the unique index."""
    return Person.objects.annotate(lower_email=Lower("email")).filter(
        lower_email=Lower(Value(email))
    )


def account_with_domain(domain: str):
    """Accounts with this domain in any case, read through the (partial) unique index."""
    return (
        Account.objects.exclude(domain="")
        .annotate(lower_domain=Lower("domain"))
        .filter(lower_domain=Lower(Value(domain)))
    )


def find_or_create_account(email: str, company: str = "", company_domain: str = ""):
    """The account of the company domain, or of the e-mail's domain unless it is free mail."""
    domain = (company_domain or email_domain(email)).lower()
    if domain in FREE_MAIL:
        return None
    found = account_with_domain(domain).first()
    if found is not None:
        return found
    account = Account(name=company or domain, domain=domain)
    if insert_or_nothing(account):
        return account
    return account_with_domain(domain).get()  # made meanwhile by a concurrent capture


def find_or_create_person(email: str, fields: dict, *, by=None) -> tuple[Person, bool]:
    """The person with this e-mail in any letter case, made if new; True when made.

    The insert comes first (a capture is mostly of somebody new): it makes the person, with the
    first stage in the lifecycle history as `do_create_person` writes it, or finds the e-mail
    taken and reads that person. A capture never sets an owner, so there is no owner to audit."""
    person = Person(email=email, **fields)
    if insert_or_nothing(person):
        do_record_lifecycle_changes(
            [(person.pk, "", person.lifecycle_stage)], by=by, reason=CAPTURE_REASON
        )
        return person, True
    return person_with_email(email).get(), False


def _fill_blanks(person: Person, fields: dict) -> None:
    """A known person keeps what we know; a capture only fills fields still empty."""
    for name, value in fields.items():
        if value and not getattr(person, name):
            blank = {f"{name}__isnull": True} if name == "account" else {name: ""}
            if Person.objects.filter(pk=person.pk, **blank).update(
                **{name: value}, updated_at=timezone.now()
            ):
                setattr(person, name, value)
                if name == "account":  # the person joins the account's segment
                    rollups.refresh_people([person.pk])


def _campaign_for(utm_campaign: str) -> Campaign | None:
    if not utm_campaign:
        return None
    return Campaign.objects.filter(utm_campaign__iexact=utm_campaign).order_by("id").first()


def _rescored(person: Person) -> tuple[Person, dict]:
    """The person as rescoring left them (stage, account), locked for routing, and their score:
    one read."""
    locked = (
        Person.objects.select_for_update(of=("self",))
        .select_related("account", "lead_score")
        .get(pk=person.pk)
    )
    score = getattr(locked, "lead_score", None)
    return locked, {
        "score": score.total if score else None,
        "grade": score.fit_grade if score else None,
        "is_mql": score.is_mql if score else None,
    }


def sla_terms(version: AgreementVersion) -> SlaTerms:
    sla = version.document.sla
    return SlaTerms(
        first_touch_hours=sla.first_touch_working_hours,
        decision_days=sla.accept_within_working_days,
        agreement_version=version.number,
    )


def _route_if_mql(person: Person, version: AgreementVersion | None, route) -> Handoff | None:
    """Hand a lead the capture made an MQL to a rep (`route(person, terms)`: `do_route`, or
    `route_locked` for a person the capture holds locked), under the SLA of the agreement in force.

    Without an agreement or routing rules the MQL waits in the pool; when no rep can take it
    the lead is still captured (the handoff inbox shows it unassigned). A lead that is not an
    MQL costs no query here. A refusal leaves nothing behind.
    """
    if person.lifecycle_stage != LifecycleStage.MQL or version is None:
        return None
    try:
        return route(person, sla_terms(version))
    except (NoRepAvailable, NotRoutable):
        return None


def _record_touch(person: Person, channel: str, touch: dict, occurred_at, form_name: str) -> int:
    """The form-fill touch (with the campaign of its `utm_campaign`, any case) and its form;
    the touchpoint's id. One statement on PostgreSQL, three queries elsewhere."""
    if connection.vendor != "postgresql":
        touchpoint = Touchpoint.objects.create(
            person=person,
            kind=Touchpoint.Kind.FORM_FILL,
            channel=channel,
            campaign=_campaign_for(touch["utm_campaign"]),
            occurred_at=occurred_at,
            **touch,
        )
        if form_name:
            FormFill.objects.create(touchpoint=touchpoint, form_name=form_name)
        return touchpoint.pk
    columns = ", ".join(TOUCH_FIELDS)
    sql = f"""
        WITH touch AS (
            INSERT INTO touchpoints_touchpoint
                (person_id, kind, channel, occurred_at, campaign_id, {columns})
            VALUES (%s, %s, %s, %s, (
                SELECT id FROM touchpoints_campaign
                WHERE %s <> '' AND UPPER(utm_campaign::text) = UPPER(%s) ORDER BY id LIMIT 1
            ), {", ".join(["%s"] * len(TOUCH_FIELDS))})
            RETURNING id
        ), form AS (
            INSERT INTO capture_formfill (touchpoint_id, form_name)
            SELECT id, %s FROM touch WHERE %s <> ''
        )
        SELECT id FROM touch
    """
    utm = touch["utm_campaign"]
    params = [person.pk, Touchpoint.Kind.FORM_FILL, channel, occurred_at, utm, utm]
    params += [touch[name] for name in TOUCH_FIELDS] + [form_name, form_name]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@transaction.atomic(savepoint=False)  # all or nothing with the caller's transaction
def do_capture_lead(data: dict, *, by=None) -> tuple[int, dict]:
    """A form fill: the person (201 if new, 200 if known), their touch, and their score now."""
    email = data["email"]
    touch = {name: data.get(name) or "" for name in TOUCH_FIELDS}
    channel = classify_channel(
        touch["utm_source"], touch["utm_medium"], touch["utm_campaign"], touch["referrer"]
    )
    account = find_or_create_account(
        email, data.get("company") or "", data.get("company_domain") or ""
    )
    details = {name: data.get(name) or "" for name in PERSON_FIELDS}
    person, created = find_or_create_person(
        email, {**details, "account": account, "original_source": channel}, by=by
    )
    if not created:
        _fill_blanks(person, {**details, "account": account})
    occurred_at = data.get("occurred_at") or timezone.now()
    touchpoint_id = _record_touch(person, channel, touch, occurred_at, data.get("form_name") or "")
    version = get_agreement_in_force()
    do_rescore_people([person.pk], version)
    person, score = _rescored(person)
    handoff = _route_if_mql(person, version, partial(route_locked, new=created))
    _count_when_kept("leads", routed=1 if handoff else 0)
    return (201 if created else 200), {
        "person_id": person.pk,
        "created": created,
        "email": person.email,
        "account_id": person.account_id,
        "lifecycle_stage": person.lifecycle_stage,
        **score,
        "touchpoint_id": touchpoint_id,
        "handoff_id": handoff.pk if handoff else None,
        "owner_id": handoff.assigned_to_id if handoff else None,
        "channel": channel,
        "form_name": data.get("form_name") or "",
    }


def _campaigns_by_name(items: list[dict]) -> dict[str, Campaign]:
    names = {item["campaign"] for item in items if item.get("campaign")}
    found = {c.name: c for c in Campaign.objects.filter(name__in=names)}
    errors = [
        (i, "campaign", f"No campaign is named {item['campaign']!r}")
        for i, item in enumerate(items)
        if item.get("campaign") and item["campaign"] not in found
    ]
    if errors:
        raise BatchRefused(errors)
    return found


def _people_by_email(items: list[dict], channels: list[str], *, by=None) -> tuple[dict, int]:
    """Person ids by lower-case e-mail; unknown e-mails become people (first touch's channel)."""
    wanted = {}
    for item, channel in sorted(
        zip(items, channels, strict=True), key=lambda p: p[0]["occurred_at"]
    ):
        wanted.setdefault(item["email"].lower(), (item["email"], channel))
    known = dict(
        Person.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=list(wanted))
        .values_list("lower_email", "pk")
    )
    created = 0
    for lower, (email, channel) in wanted.items():
        if lower not in known:
            account = find_or_create_account(email)
            person, made = find_or_create_person(
                email, {"account": account, "original_source": channel}, by=by
            )
            known[lower], created = person.pk, created + made
    return known, created


@transaction.atomic
def do_capture_touchpoints(items: list[dict], *, by=None) -> tuple[int, dict]:
    """A batch of touches, all or nothing: unknown e-mails become people; all are rescored."""
    campaigns = _campaigns_by_name(items)
    classifier = get_classifier()
    channels = [
        classifier.classify(i["utm_source"], i["utm_medium"], i["utm_campaign"], i["referrer"])
        for i in items
    ]
    people, people_created = _people_by_email(items, channels, by=by)
    by_utm = {u: _campaign_for(u) for u in {i["utm_campaign"] for i in items if i["utm_campaign"]}}
    touches = Touchpoint.objects.bulk_create(
        Touchpoint(
            person_id=people[item["email"].lower()],
            kind=item["type"],
            channel=channel,
            campaign=campaigns.get(item["campaign"]) or by_utm.get(item["utm_campaign"]),
            occurred_at=item["occurred_at"],
            **{name: item.get(name) or "" for name in TOUCH_FIELDS},
        )
        for item, channel in zip(items, channels, strict=True)
    )
    version = get_agreement_in_force()
    do_rescore_people(sorted(set(people.values())), version)
    mqls = Person.objects.filter(pk__in=people.values(), lifecycle_stage=LifecycleStage.MQL)
    routed = (_route_if_mql(p, version, do_route) for p in mqls.order_by("pk"))
    handoffs = [h for h in routed if h is not None]
    _count_when_kept("touchpoints", routed=len(handoffs))
    return 201, {
        "accepted": len(touches),
        "people_created": people_created,
        "touchpoint_ids": [t.pk for t in touches],
        "handoff_ids": [h.pk for h in handoffs],
    }


def _count_when_kept(endpoint: str, *, routed: int) -> None:
    """The capture counts on /metrics once its transaction commits: a rolled-back one never."""
    transaction.on_commit(lambda: record_capture(endpoint, routed))
