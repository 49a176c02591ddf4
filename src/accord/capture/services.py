"""Leads and touches from websites and tools: find or make the person, record the touch and
the capture; the worker scores and routes it (`capture/batches.py`).

Every write here is race-safe on its own: people and accounts are made by one
`INSERT ... ON CONFLICT DO NOTHING` against their case-insensitive unique e-mail and domain, and
read back when a concurrent capture made them first, so many requests capturing one lead make
one person. A capture costs few round trips to the database: no savepoints, and on PostgreSQL
the touch, its form, its campaign, the capture and the worker's wake-up in one statement
(bench/README.md, "Lead capture load").
"""

import json
from dataclasses import dataclass
from functools import cache

from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone

from accord.audit.models import AuditEntry
from accord.capture import idempotency
from accord.capture.models import Capture, FormFill
from accord.capture.selectors import STATUS_PATH, status_url
from accord.capture.sql import insert_or_nothing, row_of
from accord.crm.emails import FREE_MAIL, email_domain
from accord.crm.models import Account, Person
from accord.crm.services import record_lifecycle_history
from accord.logs import current_request_id
from accord.telemetry import record_capture
from accord.touchpoints.classification import classify_channel, get_classifier
from accord.touchpoints.models import Campaign, Touchpoint

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
TOUCH_FIELDS = (*UTM_FIELDS, "referrer", "page")
PERSON_FIELDS = ("first_name", "last_name", "title", "phone")
TOUCH_COLUMNS = ("kind", "channel", "occurred_at", *TOUCH_FIELDS)
CAPTURE_REASON = "lead capture"
WAKE_CHANNEL = "accord_captures"  # the worker LISTENs here
AuditAction, AuditRecordType = AuditEntry.Action, AuditEntry.RecordType


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


def do_capture_lead_once(submission: idempotency.Submission, data: dict, *, by) -> tuple[int, dict]:
    """A form fill answered once per submission (`capture/idempotency.py`): the status (201 when
    it made the person, 200 when it found them) and the answer, the first one again for a retry.

    On PostgreSQL one statement records it all with its answer (`_record_lead`); elsewhere the
    submission is claimed first, then `do_capture_lead` records the lead."""
    if connection.vendor == "postgresql":
        return idempotency.do_answer_once(submission, lambda s: _record_lead(s, data, by))

    def handler() -> tuple[int, dict]:
        lead = do_capture_lead(data, by=by)
        return (201 if lead.created else 200), lead.answer

    return idempotency.do_submit_once(submission, handler)


@cache
def _lead_statement() -> str:
    """`do_capture_lead` and the submission's answer as one PostgreSQL statement.

    Unless the key already holds a fresh answer (`held`, which the statement then returns and
    writes nothing): the account of the domain, found or made; the person, made (`xmax = 0`)
    with their first stage in the lifecycle history and the audit trail, or found and their
    blanks filled (a conflict on the e-mail takes the row even when a concurrent capture made
    it after this statement began); the touch with its form and campaign; the capture; and,
    last, the answer under the key, then the worker's wake-up. A concurrent request holding
    the key makes that last insert wait and then store nothing (or replace an answer too old
    to repeat): the caller rolls it all back (`idempotency.do_answer_once`)."""
    # the columns a capture sets; those left out take NULL (a new row's fields that are None)
    account_columns = ", ".join(c for c, v in row_of(Account()).items() if v is not None)
    person_columns = ", ".join(c for c, v in row_of(Person()).items() if v is not None)
    blank = " OR ".join(
        [f"(p.{name} = '' AND EXCLUDED.{name} <> '')" for name in PERSON_FIELDS]
        + ["(p.account_id IS NULL AND EXCLUDED.account_id IS NOT NULL)"]
    )
    fill = ", ".join(
        f"{name} = COALESCE(NULLIF(p.{name}, ''), EXCLUDED.{name})" for name in PERSON_FIELDS
    )
    statement = f"""
    WITH held AS (
        SELECT body_hash, status_code, response_body FROM capture_capturesubmission
        WHERE user_id = %(user)s AND endpoint = %(endpoint)s AND key = %(key)s
            AND created_at >= %(fresh)s
    ), go AS (
        SELECT WHERE NOT EXISTS (SELECT FROM held)
    ), found AS (
        SELECT id FROM crm_account
        WHERE NOT (domain = '') AND LOWER(domain) = LOWER(%(domain)s)
    ), made AS (
        INSERT INTO crm_account AS a ({account_columns})
        SELECT {account_columns}
        FROM go, json_populate_record(NULL::crm_account, %(account)s::json)
        WHERE %(domain)s <> '' AND NOT EXISTS (SELECT FROM found)
        ON CONFLICT (LOWER(domain)) WHERE NOT (domain = '') DO UPDATE SET domain = a.domain
        RETURNING id
    ), person AS (
        INSERT INTO crm_person AS p ({person_columns}, account_id)
        SELECT {person_columns}, (SELECT id FROM found UNION ALL SELECT id FROM made)
        FROM go, json_populate_record(NULL::crm_person, %(person)s::json)
        ON CONFLICT (LOWER(email)) WHERE NOT (email = '') DO UPDATE SET {fill},
            account_id = COALESCE(p.account_id, EXCLUDED.account_id),
            updated_at = CASE WHEN {blank} THEN EXCLUDED.updated_at ELSE p.updated_at END
        RETURNING id AS person_id, email, account_id, lifecycle_stage, xmax = 0 AS created
    ), history AS (
        INSERT INTO crm_lifecyclechange
            (person_id, from_stage, to_stage, changed_at, changed_by_id, reason)
        SELECT person_id, '', lifecycle_stage, %(at)s, %(by)s, %(reason)s FROM person WHERE created
    ), audit AS (
        INSERT INTO audit_auditentry (at, actor_id, action, record_type, record_id, field,
            old_value, new_value, reason, request_id)
        SELECT %(at)s, %(by)s, %(action)s, %(type)s, person_id, 'lifecycle_stage', '',
            lifecycle_stage, %(reason)s, %(request)s
        FROM person WHERE created
    ), touch AS (
        INSERT INTO touchpoints_touchpoint (person_id, campaign_id, {", ".join(TOUCH_COLUMNS)})
        SELECT person.person_id, (
            SELECT id FROM touchpoints_campaign
            WHERE UPPER(utm_campaign) = UPPER(%(campaign)s)
            ORDER BY id LIMIT 1
        ), {", ".join(TOUCH_COLUMNS)}
        FROM person, json_populate_record(NULL::touchpoints_touchpoint, %(touch)s::json)
        RETURNING id
    ), form AS (
        INSERT INTO capture_formfill (touchpoint_id, form_name)
        SELECT id, %(form)s FROM touch WHERE %(form)s <> ''
    ), capture AS (
        INSERT INTO capture_capture
            (person_id, touchpoint_id, person_created, captured_by_id, status, received_at)
        SELECT person_id, touch.id, created, %(by)s, %(status)s, %(at)s FROM person, touch
        RETURNING id AS capture_id, %(path)s || id AS status_url, touchpoint_id
    ), claim AS (
        INSERT INTO capture_capturesubmission AS s
            (user_id, endpoint, key, body_hash, status_code, response_body, created_at)
        SELECT %(user)s, %(endpoint)s, %(key)s, %(hash)s,
            CASE WHEN created THEN 201 ELSE 200 END,
            (%(answer)s::jsonb || to_jsonb(person) || to_jsonb(capture))::text,
            %(at)s
        FROM person, capture
        ON CONFLICT (user_id, endpoint, key) DO UPDATE SET body_hash = EXCLUDED.body_hash,
            status_code = EXCLUDED.status_code, response_body = EXCLUDED.response_body,
            created_at = EXCLUDED.created_at
        WHERE s.created_at < %(fresh)s
        RETURNING status_code, response_body, pg_notify(%(wake)s, '')
    )
    SELECT * FROM (SELECT) AS one LEFT JOIN held ON true LEFT JOIN claim ON true
    """
    return " ".join(statement.split())  # short enough for the driver to keep it parsed


def _record_lead(submission: idempotency.Submission, data: dict, by) -> idempotency.Recorded:
    """`_lead_statement` for this form fill and submission."""
    email = data["email"]
    touch = {name: data.get(name) or "" for name in TOUCH_FIELDS}
    channel = classify_channel(
        touch["utm_source"], touch["utm_medium"], touch["utm_campaign"], touch["referrer"]
    )
    domain = (data.get("company_domain") or email_domain(email)).lower()
    if domain in FREE_MAIL:
        domain = ""
    company = data.get("company") or domain
    details = {name: data.get(name) or "" for name in PERSON_FIELDS}
    now = timezone.now()
    form_name = data.get("form_name") or ""
    answer = {
        "status": Capture.Status.RECEIVED.value,
        "score": None,
        "grade": None,
        "is_mql": None,
        "handoff_id": None,
        "owner_id": None,
        "channel": channel,
        "form_name": form_name,
    }
    touch_row = {
        **touch,
        "kind": Touchpoint.Kind.FORM_FILL,
        "channel": channel,
        "occurred_at": data.get("occurred_at") or now,
    }
    params = {
        "user": submission.user_id,
        "endpoint": submission.endpoint,
        "key": submission.key,
        "hash": submission.body_hash,
        "fresh": submission.fresh_after,
        "domain": domain,
        "account": json.dumps(row_of(Account(name=company, domain=domain)), default=str),
        "person": json.dumps(
            row_of(Person(email=email, original_source=channel, created_at=now, **details)),
            default=str,
        ),
        "at": now,
        "by": getattr(by, "pk", None),
        "reason": CAPTURE_REASON,
        "action": AuditAction.CHANGED,
        "type": AuditRecordType.PERSON,
        "request": current_request_id.get(),
        "touch": json.dumps(touch_row, default=str),
        "campaign": touch["utm_campaign"] or None,  # None: no campaign
        "form": form_name,
        "status": Capture.Status.RECEIVED,
        "answer": json.dumps(answer),
        "path": STATUS_PATH,
        "wake": WAKE_CHANNEL,
    }
    with connection.cursor() as cursor:
        cursor.execute(_lead_statement(), params)
        held_hash, held_status, held_body, status, body, _woken = cursor.fetchone()
    if held_hash is not None:
        return idempotency.Recorded(earlier=(held_hash, held_status, held_body))
    if status is None:
        raise idempotency.Lost
    _count_when_kept("leads")
    return idempotency.Recorded(status=status, response_body=body)


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
