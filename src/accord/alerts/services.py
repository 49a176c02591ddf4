"""Queue alerts in the transaction of the change they tell about, send what is due, replay.

`do_queue_alert` writes the alert, one notification in the bell and one e-mail delivery for each
person as they chose for the event (`alerts.preferences`: each event's default until they
choose), and one delivery per subscribed endpoint, in the caller's transaction (one statement on
PostgreSQL): a rolled-back change alerts nobody, and a committed one is in the outbox even if the
worker is down. After the commit a job for the worker is queued, unless one is already waiting
to run. `do_queue_alerts` writes a batch of alerts of one event (the worker's leads routed) a
statement per table. `do_send_due` is what the worker runs: e-mails a hundred at a time over one
connection to the mail server, webhooks one by one.
"""

import datetime as dt
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, Min, Q, QuerySet
from django.utils import timezone

from accord.alerts.conf import DeliveryPolicy, delivery_policy
from accord.alerts.models import (
    Alert,
    Attempt,
    Delivery,
    Endpoint,
    Notification,
    NotificationPreference,
)
from accord.alerts.preferences import Channels, default_channels
from accord.alerts.selectors import channels_for, channels_of
from accord.alerts.webhooks import WebhookFailed, post_webhook
from accord.columns import vendor, writes
from accord.teams.models import User


def do_queue_alert(
    event: str,
    subject: str,
    text: str,
    data: dict[str, Any],
    people: Iterable[User],
    *,
    link: str = "",
) -> Alert | None:
    """The alert in the bell and by e-mail to each of `people` as they chose for `event`, and to
    every active endpoint that subscribes to it; None when nobody is to be told. `link` is the
    path of the record the alert is about, where a notification opens. On PostgreSQL the alert
    is kept even when every person chose neither (it is written in the same statement)."""
    people = _reachable(people)
    if people and vendor.postgresql():
        alert, sent = _queue_in_one_statement(event, subject, text, data, link, people)
        if sent:
            _wake_worker()
        return alert
    channels = channels_for(event, people)
    ringing = [p for p in people if channels[p.pk].bell]
    mailed = [p for p in people if channels[p.pk].email]
    endpoints = [e for e in Endpoint.objects.filter(is_active=True) if e.wants(event)]
    if not ringing and not mailed and not endpoints:
        return None
    now = timezone.now()
    alert = Alert.objects.create(
        event=event, subject=subject[:200], text=text, data=data, link=link, created_at=now
    )
    Notification.objects.bulk_create(
        [Notification(alert=alert, recipient=person) for person in ringing]
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                alert=alert,
                channel=Delivery.Channel.EMAIL,
                recipient=person,
                email=person.email,
                next_attempt_at=now,
            )
            for person in mailed
        ]
        + [
            Delivery(
                alert=alert,
                channel=Delivery.Channel.WEBHOOK,
                endpoint=endpoint,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ]
    )
    if mailed or endpoints:
        _wake_worker()
    return alert


@dataclass(frozen=True)
class NewAlert:
    """One alert of a batch (`do_queue_alerts`): what `do_queue_alert` takes for one."""

    subject: str
    text: str
    data: dict[str, Any]
    people: list[User]
    link: str = ""


def do_queue_alerts(event: str, alerts: list[NewAlert]) -> int:
    """`do_queue_alert` for many alerts of one event (a batch of leads routed): the people's
    choices and the endpoints read once, the alerts, notifications and deliveries written a
    statement per table, and one wake-up after the commit. An alert nobody is to be told of
    (every person chose neither, no endpoint wants it) is not kept. Returns how many were."""
    endpoints = [e for e in Endpoint.objects.filter(is_active=True) if e.wants(event)]
    reachable = [_reachable(alert.people) for alert in alerts]
    channels = channels_for(event, list({p.pk: p for ps in reachable for p in ps}.values()))
    told = []  # (alert, those whose bell rings, those e-mailed)
    for alert, people in zip(alerts, reachable, strict=True):
        ringing = [p for p in people if channels[p.pk].bell]
        mailed = [p for p in people if channels[p.pk].email]
        if ringing or mailed or endpoints:
            told.append((alert, ringing, mailed))
    if not told:
        return 0
    now = timezone.now()
    data = Alert._meta.get_field("data")
    ids = writes.reserve_ids(Alert, len(told))
    writes.insert_rows(
        Alert,
        ("id", "message_id", "event", "subject", "text", "data", "link", "created_at"),
        (
            (pk, f"msg_{uuid.uuid4().hex}", event, alert.subject[:200], alert.text,
             data.get_db_prep_save(alert.data, connection), alert.link, now)
            for pk, (alert, _, _) in zip(ids, told, strict=True)
        ),
    )  # fmt: skip
    writes.insert_rows(
        Notification,
        ("alert_id", "recipient_id", "read_at"),
        ((pk, p.pk, None) for pk, (_, ringing, _) in zip(ids, told, strict=True) for p in ringing),
    )
    pending, email = Delivery.Status.PENDING.value, Delivery.Channel.EMAIL.value
    webhook = Delivery.Channel.WEBHOOK.value
    deliveries: list[tuple[object, ...]] = []
    for pk, (_, _, mailed) in zip(ids, told, strict=True):
        deliveries += [(pk, email, p.pk, p.email, None, pending, 0, now) for p in mailed]
        deliveries += [(pk, webhook, None, "", e.pk, pending, 0, now) for e in endpoints]
    writes.insert_rows(Delivery, DELIVERY_FIELDS, (row + (None, None, "") for row in deliveries))
    if deliveries:
        _wake_worker()
    return len(told)


def _reachable(people: Iterable[User]) -> list[User]:
    """The active people with an e-mail address, each once (by address in any case)."""
    reachable: dict[str, User] = {}
    for person in people:
        if person.is_active and person.email:
            reachable.setdefault(person.email.lower(), person)
    return list(reachable.values())


DELIVERY_FIELDS = (
    "alert_id", "channel", "recipient_id", "email", "endpoint_id", "status", "attempts",
    "next_attempt_at", "claimed_until", "delivered_at", "last_error",
)  # fmt: skip


# The alert, a notification for each person whose choice (or the event's default) rings the
# bell, the e-mail deliveries in the order given and the webhook deliveries in endpoint order, in
# one round trip: what `do_queue_alert` writes with five queries elsewhere. Answers the alert's
# id and how many deliveries it made.
QUEUE_SQL = """
    WITH alert AS (
        INSERT INTO alerts_alert (message_id, event, subject, text, data, link, created_at)
        VALUES (%(message_id)s, %(event)s, %(subject)s, %(text)s, %(data)s, %(link)s, %(now)s)
        RETURNING id
    ), person AS (
        SELECT given.id, given.email, given.n,
               coalesce(chosen.bell, given.bell) AS bell,
               coalesce(chosen.email, given.by_email) AS by_email
        FROM unnest(
            %(ids)s::bigint[], %(emails)s::text[], %(bells)s::boolean[], %(by_emails)s::boolean[]
        ) WITH ORDINALITY AS given(id, email, bell, by_email, n)
        LEFT JOIN alerts_notificationpreference chosen
            ON chosen.person_id = given.id AND chosen.event = %(event)s
    ), notifications AS (
        INSERT INTO alerts_notification (alert_id, recipient_id, read_at)
        SELECT alert.id, person.id, NULL FROM alert, person WHERE person.bell
        ORDER BY person.n
    ), deliveries AS (
        INSERT INTO alerts_delivery (
            alert_id, channel, recipient_id, email, endpoint_id, status, attempts,
            next_attempt_at, claimed_until, delivered_at, last_error
        )
        SELECT alert.id, target.channel, target.recipient_id, target.email, target.endpoint_id,
               %(pending)s, 0, %(now)s, NULL, NULL, ''
        FROM alert, (
            SELECT 0 AS kind, person.n AS n, %(email)s AS channel, person.id AS recipient_id,
                   person.email AS email, NULL::bigint AS endpoint_id
            FROM person WHERE person.by_email
            UNION ALL
            SELECT 1, row_number() OVER (ORDER BY e.name, e.id), %(webhook)s, NULL, '', e.id
            FROM alerts_endpoint e
            WHERE e.is_active AND EXISTS (
                SELECT 1 FROM unnest(string_to_array(e.events, ',')) AS name
                WHERE btrim(name) = %(event)s
            )
        ) AS target
        ORDER BY target.kind, target.n
        RETURNING 1
    )
    SELECT alert.id, (SELECT count(*) FROM deliveries) FROM alert
"""


def _queue_in_one_statement(
    event: str, subject: str, text: str, data: dict[str, Any], link: str, people: list[User]
) -> tuple[Alert, int]:
    now = timezone.now()
    alert = Alert(
        message_id=f"msg_{uuid.uuid4().hex}",
        event=event,
        subject=subject[:200],
        text=text,
        data=data,
        link=link,
        created_at=now,
    )
    defaults = [default_channels(event, person) for person in people]
    params = {
        "message_id": alert.message_id,
        "event": event,
        "subject": alert.subject,
        "text": text,
        "data": Alert._meta.get_field("data").get_db_prep_save(data, connection),
        "link": link,
        "now": now,
        "pending": Delivery.Status.PENDING,
        "email": Delivery.Channel.EMAIL,
        "webhook": Delivery.Channel.WEBHOOK,
        "ids": [person.pk for person in people],
        "emails": [person.email for person in people],
        "bells": [d.bell for d in defaults],
        "by_emails": [d.email for d in defaults],
    }
    with connection.cursor() as cursor:
        cursor.execute(QUEUE_SQL, params)
        alert.pk, deliveries = cursor.fetchone()
    alert._state.adding, alert._state.db = False, connection.alias
    return alert, deliveries


@transaction.atomic
def do_choose_channels(person: User, chosen: dict[str, Channels]) -> int:
    """Keep how `person` wants to hear of each event in `chosen` (the others keep what they
    had); returns how many events now reach them otherwise than before."""
    before = channels_of(person)
    changed = [event for event, channels in chosen.items() if before[event] != channels]
    for event in changed:
        NotificationPreference.objects.update_or_create(
            person=person,
            event=event,
            defaults={"bell": chosen[event].bell, "email": chosen[event].email},
        )
    return len(changed)


def _wake_worker() -> None:
    """Once the change commits, make sure a job to send the outbox is waiting (`tasks.wake`).
    Queued after the commit, so the waiting job sends this alert: it reads the outbox when it
    starts. Should the queuing fail, the worker's outbox sweep sends the alert (`--every`)."""
    from accord.alerts.tasks import wake

    transaction.on_commit(wake, robust=True)


def due_deliveries(now: dt.datetime) -> QuerySet[Delivery]:
    """Pending deliveries whose time has come and that no live worker holds."""
    return Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    )


EMAILS_AT_ONCE = 100  # e-mails claimed together and sent over one connection to the server


def do_send_due(
    *, policy: DeliveryPolicy | None = None, limit: int = 500, stop: Callable[[], bool] = bool
) -> int:
    """Send every delivery that is due, oldest first, until `stop()` says to stop (the rest stay
    queued); returns how many were attempted.

    E-mails are claimed `EMAILS_AT_ONCE` at a time, sent over one connection to the mail server
    and their attempts recorded together; a webhook is claimed, posted and recorded on its own,
    as a receiver may take its whole timeout. A worker killed half-way through leaves what it
    claimed to the next once the claim lapses: sent at least once."""
    policy = policy or delivery_policy()
    sent = 0
    while True:  # one job sends a whole burst: `limit` at a time, until none is due
        due = due_deliveries(timezone.now()).order_by("next_attempt_at", "id")
        rows = list(due.values_list("pk", "channel")[:limit])
        emails = [pk for pk, channel in rows if channel == Delivery.Channel.EMAIL]
        for start in range(0, len(emails), EMAILS_AT_ONCE):
            if stop():
                return sent
            sent += _send_emails(emails[start : start + EMAILS_AT_ONCE], policy)
        for pk in (pk for pk, channel in rows if channel == Delivery.Channel.WEBHOOK):
            if stop():
                return sent
            if claimed := _claim([pk], policy):
                _record([_attempt(claimed[0], policy)], policy)
                sent += 1
        if len(rows) < limit:
            return sent


def next_retry_at() -> dt.datetime | None:
    """When the earliest delivery waiting out its backoff is due again."""
    waiting = Delivery.objects.filter(
        status=Delivery.Status.PENDING, next_attempt_at__gt=timezone.now()
    )
    return cast(dt.datetime | None, waiting.aggregate(at=Min("next_attempt_at"))["at"])


def _claim(pks: list[int], policy: DeliveryPolicy) -> list[Delivery]:
    """Hold these deliveries for one attempt each: those this worker got (another may have got
    some first), with their alert and endpoint. The claim's end, to the microsecond, tells this
    worker's claims from another's."""
    now = timezone.now()
    until = now + policy.lease
    if not due_deliveries(now).filter(pk__in=pks).update(claimed_until=until):
        return []
    claimed = Delivery.objects.filter(pk__in=pks, claimed_until=until)
    return list(claimed.select_related("alert", "endpoint").order_by("next_attempt_at", "id"))


@dataclass(frozen=True)
class Outcome:
    """One attempt at a delivery: when it started, how long it took, what came back."""

    delivery: Delivery
    started: dt.datetime
    duration_ms: int
    code: int | None
    error: str


def _attempt(delivery: Delivery, policy: DeliveryPolicy, mailer: "Mailer | None" = None) -> Outcome:
    started, clock = timezone.now(), time.monotonic()
    code, error = None, ""
    try:
        code = _send(delivery, policy, mailer)
    except WebhookFailed as exc:
        code, error = exc.code, str(exc)
    except Exception as exc:  # whatever one send raises fails that delivery alone, recorded
        what = "mail" if delivery.channel == Delivery.Channel.EMAIL else "webhook"
        error = f"{what} not sent: {exc}"
        if mailer is not None:
            mailer.close()  # the next e-mail opens a fresh connection
    duration_ms = round((time.monotonic() - clock) * 1000)
    return Outcome(delivery, started, duration_ms, code, error)


def _send_emails(pks: list[int], policy: DeliveryPolicy) -> int:
    """Claim these e-mails, send those claimed over one connection, record every attempt."""
    claimed = _claim(pks, policy)
    if not claimed:
        return 0
    mailer = Mailer()
    try:
        outcomes = [_attempt(delivery, policy, mailer) for delivery in claimed]
    finally:
        mailer.close()
    _record(outcomes, policy)
    return len(outcomes)


class Mailer:
    """One connection to the mail server for many e-mails, opened at the first one to send and
    again after a failure."""

    def __init__(self) -> None:
        self._connection: BaseEmailBackend | None = None

    def send(self, subject: str, text: str, to: str) -> None:
        if self._connection is None:
            connection = get_connection()
            connection.open()
            self._connection = connection
        EmailMessage(
            subject, text, settings.DEFAULT_FROM_EMAIL, [to], connection=self._connection
        ).send()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # a connection the server already dropped  # noqa: S110
                pass


def _send(delivery: Delivery, policy: DeliveryPolicy, mailer: Mailer | None = None) -> int | None:
    alert = delivery.alert
    if delivery.channel == Delivery.Channel.WEBHOOK:
        assert delivery.endpoint is not None  # a webhook's always names one (the constraint)
        return post_webhook(alert, delivery.endpoint, policy.timeout)
    (mailer or Mailer()).send(one_line(alert.subject), alert.text, delivery.email)
    return None


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def one_line(value: str) -> str:
    """A header value from text people typed (a lead's name): line breaks and other control
    characters become single spaces, so it can neither add a header nor be refused as one."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", value).split())


@transaction.atomic
def _record(outcomes: list[Outcome], policy: DeliveryPolicy) -> None:
    """Every attempt logged, the deliveries sent marked delivered in one statement, the others
    waiting out their backoff or given up."""
    Attempt.objects.bulk_create(
        Attempt(
            delivery=o.delivery,
            started_at=o.started,
            duration_ms=o.duration_ms,
            succeeded=not o.error,
            response_code=o.code,
            error=o.error,
        )
        for o in outcomes
    )
    now = timezone.now()
    done = {"attempts": F("attempts") + 1, "claimed_until": None, "last_error": ""}
    Delivery.objects.filter(pk__in=[o.delivery.pk for o in outcomes if not o.error]).update(
        **done, status=Delivery.Status.DELIVERED, delivered_at=now
    )
    for o in outcomes:
        if not o.error:
            continue
        attempts = o.delivery.attempts + 1
        changes: dict[str, object] = {
            "attempts": attempts,
            "claimed_until": None,
            "last_error": o.error,
        }
        if attempts >= policy.max_attempts:
            changes.update(status=Delivery.Status.FAILED)
        else:
            changes.update(next_attempt_at=now + policy.wait_after(attempts))
        Delivery.objects.filter(pk=o.delivery.pk).update(**changes)


@transaction.atomic
def do_replay(deliveries: Iterable[Delivery | int]) -> int:
    """Send these deliveries again as soon as the worker runs, with a fresh round of retries,
    under their same webhook-id (a receiver that already has the message can drop the copy).
    Earlier attempts stay in the log. Returns how many were queued."""
    pks = [d.pk if isinstance(d, Delivery) else int(d) for d in deliveries]
    queued = Delivery.objects.filter(pk__in=pks).update(
        status=Delivery.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_until=None,
    )
    if queued:
        _wake_worker()
    return queued


def do_open_notification(user: User, notification_id: int) -> Notification | None:
    """The person's own notification, read from now on; None when it is not theirs (or gone).
    Opening it again keeps the time it was first read."""
    notification = (
        Notification.objects.filter(pk=notification_id, recipient=user)
        .select_related("alert")
        .first()
    )
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def do_mark_all_read(user: User) -> int:
    """Every unread notification of the person read now; returns how many were unread, so a
    second submission changes nothing and says so."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
