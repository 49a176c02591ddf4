"""/healthz is cheap; /healthz?deep=1 also asks the cache and whether `accord worker` is alive and
keeping up, and names each failing part with 503."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from accord.alerts.health import do_beat
from accord.alerts.tasks import send_alerts

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes
T0 = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def deep(client):
    return client.get("/healthz", {"deep": "1"})


def test_with_a_running_worker_every_part_is_healthy(client):
    call_command("worker", "--once", stdout=StringIO())

    answer = deep(client)

    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "checked": ["database", "cache", "worker", "captures"],
    }


def test_without_a_worker_the_deep_check_fails_naming_it_and_the_cheap_one_does_not(client):
    assert client.get("/healthz").status_code == 200

    answer = deep(client)

    assert answer.status_code == 503
    assert answer.json()["failing"] == {"worker": "the worker has never run (start accord worker)"}


def test_a_worker_that_stopped_beating_fails_the_deep_check(client):
    with time_machine.travel(T0, tick=False):
        call_command("worker", "--once", stdout=StringIO())
    with time_machine.travel(T0 + dt.timedelta(minutes=6), tick=False):
        answer = deep(client)

    assert answer.status_code == 503
    assert answer.json()["failing"] == {"worker": "the worker's last heartbeat was 360 s ago"}


def test_a_job_waiting_too_long_fails_the_deep_check(client):
    with time_machine.travel(T0, tick=False):
        call_command("worker", "--once", stdout=StringIO())
        send_alerts.enqueue()  # queued after the worker's last look
    with time_machine.travel(T0 + dt.timedelta(minutes=4), tick=False):
        assert deep(client).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=5, seconds=30), tick=False):
        do_beat()  # the worker is alive, but stuck on a long job
        answer = deep(client)

    assert answer.status_code == 503
    assert answer.json()["failing"] == {"worker": "the oldest queued job has waited 330 s"}


def test_a_company_with_long_imports_can_wait_longer_for_the_heartbeat(client, settings):
    settings.WORKER_STALE_SECONDS = 900  # ACCORD_WORKER_STALE_SECONDS
    with time_machine.travel(T0, tick=False):
        call_command("worker", "--once", stdout=StringIO())
    with time_machine.travel(T0 + dt.timedelta(minutes=14), tick=False):
        assert deep(client).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=16), tick=False):
        answer = deep(client)

    assert answer.status_code == 503
    assert answer.json()["failing"] == {"worker": "the worker's last heartbeat was 960 s ago"}
