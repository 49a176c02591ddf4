"""Leads and touches from websites and tools: find or make the person, record the touch and
the capture; the worker scores and routes it (`capture/batches.py`).

Every write here is race-safe on its own: people and accounts are made by one
`INSERT ... ON CONFLICT DO NOTHING` against their case-insensitive unique e-mail and domain, and
read back when a concurrent capture made them first, so many requests capturing one lead make
one person. A capture costs few round trips to the database: no savepoints, and on PostgreSQL
the touch, its form, its campaign, the capture and the worker's wake-up in one statement
(bench/README.md, "Lead capture load").
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone

from accord.capture.models import Capture, FormFill
from accord.capture.selectors import status_url
from accord.capture.sql import insert_or_nothing
from accord.crm.emails import FREE_MAIL, email_domain
from accord.crm.models import Account, Person
from accord.crm.services import record_lifecycle_history
from accord.telemetry import record_capture
from accord.touchpoints.classification import classify_channel, get_classifier
from accord.touchpoints.models import Campaign, Touchpoint

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
TOUCH_FIELDS = (*UTM_FIELDS, "referrer", "page")
PERSON_FIELDS = ("first_name", "last_name", "title", "phone")
CAPTURE_REASON = "lead capture"
WAKE_CHANNEL = "accord_captures"  # the worker LISTENs here


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
        # the funnel's rollups are the worker's, for the whole batch (`batches.py`): writing
        # today's count row here would make concurrent captures wait on each other
        record_lifecycle_history(
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
                setattr(person, name, value)  # a new account's segment: the worker's rollups


def _campaign_for(utm_campaign: str) -> Campaign | None:
    if not utm_campaign:
        return None
    return Campaign.objects.filter(utm_campaign__iexact=utm_campaign).order_by("id").first()


def _record_touch(
    person: Person, created: bool, by, channel: str, touch: dict, occurred_at, form_name: str
) -> tuple[int, int]:
    """The form-fill touch (with the campaign of its `utm_campaign`, any case), its form and the
    capture waiting for the worker (which is woken): the touchpoint's and the capture's ids.
    One statement on PostgreSQL, four queries elsewhere."""
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
        capture = Capture.objects.create(
            person=person, touchpoint=touchpoint, person_created=created, captured_by=by
        )
        return touchpoint.pk, capture.pk
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
        ), capture AS (
            INSERT INTO capture_capture
                (person_id, touchpoint_id, person_created, captured_by_id, status, received_at)
            SELECT %s, id, %s, %s, %s, %s FROM touch
            RETURNING id
        )
        SELECT touch.id, capture.id, pg_notify(%s, '') FROM touch, capture
    """
    utm = touch["utm_campaign"]
    params = [person.pk, Touchpoint.Kind.FORM_FILL, channel, occurred_at, utm, utm]
    params += [touch[name] for name in TOUCH_FIELDS] + [form_name, form_name]
    params += [person.pk, created, getattr(by, "pk", None), Capture.Status.RECEIVED]
    params += [timezone.now(), WAKE_CHANNEL]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        touchpoint_id, capture_id, _ = cursor.fetchone()
    return touchpoint_id, capture_id


@dataclass(frozen=True)
class CapturedLead:
    """What a form fill did: whether it made the person, and the answer its sender gets."""

    created: bool
    answer: dict


@dataclass(frozen=True)
class CapturedTouches:
    """What a batch of touches did: the answer its sender gets."""

    answer: dict


@transaction.atomic(savepoint=False)  # all or nothing with the caller's transaction
def do_capture_lead(data: dict, *, by=None) -> CapturedLead:
    """A form fill: the person (made if new), their touch, and the capture the worker scores
    and routes (`capture/batches.py`); the answer says it was received."""
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
    form_name = data.get("form_name") or ""
    touchpoint_id, capture_id = _record_touch(
        person, created, by, channel, touch, occurred_at, form_name
    )
    _count_when_kept("leads")
    return CapturedLead(
        created,
        {
            "capture_id": capture_id,
            "status": Capture.Status.RECEIVED.value,
            "status_url": status_url(capture_id),
            "person_id": person.pk,
            "created": created,
            "email": person.email,
            "account_id": person.account_id,
            "lifecycle_stage": person.lifecycle_stage,
            "score": None,
            "grade": None,
            "is_mql": None,
            "touchpoint_id": touchpoint_id,
            "handoff_id": None,
            "owner_id": None,
            "channel": channel,
            "form_name": form_name,
        },
    )


def wake_worker() -> None:
    """Tell a listening worker (PostgreSQL `LISTEN`) that captures wait; PostgreSQL sends it
    when the transaction commits, once however often it is asked. SQLite's worker polls."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [WAKE_CHANNEL])


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


def _people_by_email(items: list[dict], channels: list[str], *, by=None) -> tuple[dict, set]:
    """Person ids by lower-case e-mail, and the ids of those made: unknown e-mails become people
    (with the first touch's channel)."""
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
    created = set()
    for lower, (email, channel) in wanted.items():
        if lower not in known:
            account = find_or_create_account(email)
            person, made = find_or_create_person(
                email, {"account": account, "original_source": channel}, by=by
            )
            known[lower] = person.pk
            if made:
                created.add(person.pk)
    return known, created


@transaction.atomic
def do_capture_touchpoints(items: list[dict], *, by=None) -> CapturedTouches:
    """A batch of touches, all or nothing: unknown e-mails become people; each person touched
    gets a capture the worker scores and routes."""
    campaigns = _campaigns_by_name(items)
    classifier = get_classifier()
    channels = [
        classifier.classify(i["utm_source"], i["utm_medium"], i["utm_campaign"], i["referrer"])
        for i in items
    ]
    people, made = _people_by_email(items, channels, by=by)
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
    captures = Capture.objects.bulk_create(
        Capture(person_id=pk, person_created=pk in made, captured_by=by)
        for pk in sorted(set(people.values()))
    )
    wake_worker()
    _count_when_kept("touchpoints")
    return CapturedTouches(
        {
            "accepted": len(touches),
            "people_created": len(made),
            "touchpoint_ids": [t.pk for t in touches],
            "status": Capture.Status.RECEIVED.value,
            "captures": [
                {"capture_id": c.pk, "person_id": c.person_id, "status_url": status_url(c.pk)}
                for c in captures
            ],
            "handoff_ids": [],
        }
    )


def _count_when_kept(endpoint: str) -> None:
    """The capture counts on /metrics once its transaction commits: a rolled-back one never."""
    transaction.on_commit(lambda: record_capture(endpoint))
