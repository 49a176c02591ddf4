"""A receiver that fails gets the alert again later, waiting twice as long each time; every try
is logged; a delivery given up can be sent again from the admin or the command line."""

import datetime as dt

import time_machine
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accord.alerts.models import Delivery
from accord.alerts.services import do_queue_alert, do_send_due
from accord.alerts.tasks import send_alerts

T0 = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


def queue_one(event="sla.breached"):
    do_queue_alert(event, "SLA missed", "The first touch was missed", {"handoff_id": 7}, [])
    return Delivery.objects.get()


def send_at(moment) -> int:
    with time_machine.travel(moment, tick=False):
        return do_send_due()


def test_a_failing_receiver_is_retried_with_exponential_backoff(receiver, endpoint):
    receiver.answers = [500, 503, 502]
    with time_machine.travel(T0, tick=False):
        delivery = queue_one()

    assert send_at(T0) == 1  # fails: 500
    assert send_at(T0 + 29 * SECOND) == 0
    assert send_at(T0 + 30 * SECOND) == 1  # fails: 503, next wait 60 s
    assert send_at(T0 + 89 * SECOND) == 0
    assert send_at(T0 + 90 * SECOND) == 1  # fails: 502, next wait 120 s
    assert send_at(T0 + 209 * SECOND) == 0
    assert send_at(T0 + 210 * SECOND) == 1  # delivered

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.delivered_at == T0 + 210 * SECOND
    assert [a.response_code for a in delivery.attempt_log.all()] == [500, 503, 502, 200]
    assert [a.succeeded for a in delivery.attempt_log.all()] == [False, False, False, True]
    assert [a.started_at for a in delivery.attempt_log.all()] == [
        T0,
        T0 + 30 * SECOND,
        T0 + 90 * SECOND,
        T0 + 210 * SECOND,
    ]
    assert delivery.attempt_log.first().error == "HTTP 500 Internal Server Error"
    assert len(set(receiver.ids())) == 1  # one webhook-id across every retry


def test_an_unreachable_endpoint_is_logged_and_given_up_after_the_last_attempt(
    endpoint, monkeypatch
):
    monkeypatch.setenv("ACCORD_ALERT_MAX_ATTEMPTS", "2")
    endpoint.url = "http://127.0.0.1:9/nobody-listens"
    endpoint.save()
    with time_machine.travel(T0, tick=False):
        delivery = queue_one()

    send_at(T0)
    send_at(T0 + 30 * SECOND)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 2
    assert delivery.last_error.startswith("no answer:")
    assert [a.response_code for a in delivery.attempt_log.all()] == [None, None]
    assert send_at(T0 + dt.timedelta(days=1)) == 0


def test_a_given_up_delivery_is_replayed_from_the_command_line_with_the_same_id(
    receiver, endpoint, monkeypatch, capsys
):
    monkeypatch.setenv("ACCORD_ALERT_MAX_ATTEMPTS", "1")
    receiver.answers = [500]
    delivery = queue_one()
    do_send_due()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED

    call_command("alerts", "replay", "--failed")
    do_send_due()

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempt_log.count() == 2
    assert receiver.ids()[0] == receiver.ids()[1] == delivery.alert.message_id
    call_command("alerts", "list")
    assert f"{delivery.pk:>7}  delivered" in capsys.readouterr().out


def test_an_admin_replays_a_delivery(admin_client, receiver, endpoint):
    delivery = queue_one()
    do_send_due()

    answer = admin_client.post(
        reverse("admin:alerts_delivery_changelist"),
        {"action": "replay", "_selected_action": [delivery.pk]},
        follow=True,
    )
    do_send_due()

    assert "1 deliveries queued again" in answer.content.decode()
    assert len(receiver.received) == 2
    assert delivery.attempt_log.count() == 2


def test_the_admin_shows_a_deliverys_attempts(admin_client, receiver, endpoint):
    receiver.answers = [500]
    delivery = queue_one()
    do_send_due()

    page = admin_client.get(reverse("admin:alerts_delivery_change", args=[delivery.pk]))

    assert page.status_code == 200
    assert "HTTP 500 Internal Server Error" in page.content.decode()


def test_after_a_failure_the_worker_is_due_back_when_the_retry_is(receiver, endpoint):
    receiver.answers = [500]
    with time_machine.travel(T0, tick=False):
        queue_one()
        send_alerts.call()
        send_alerts.call()  # nothing due: the retry already has its job

    scheduled = DBTaskResult.objects.exclude(run_after__year=9999)
    assert list(scheduled.values_list("run_after", flat=True)) == [T0 + 30 * SECOND]
