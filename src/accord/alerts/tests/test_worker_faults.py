"""`accord worker` as a real process against a slow webhook receiver on loopback.

Killed with SIGKILL in the middle of a delivery, then restarted: every alert reaches the receiver,
none is missing, and counting unique webhook-ids gives exactly the alerts. Delivery is at least
once: the one delivery in flight at the kill was received but not recorded as sent, so the next
worker sends it again under the same webhook-id, which the receiver uses to drop the repeat.
Stopped with SIGTERM, the worker finishes the delivery in hand and exits; nothing is repeated.

Runs on SQLite (a database file of its own) and on PostgreSQL (a database of its own on the
server the suite uses) to match how the suite was started.
"""

import json
import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from accord.alerts.tests.conftest import Receiver

ALERTS = 12
SEED = """
import json
from django.db import transaction
from accord.alerts.models import Alert, Endpoint
from accord.alerts.services import do_queue_alert
Alert.objects.all().delete()
Endpoint.objects.all().delete()
Endpoint.objects.create(name="slow receiver", url={url!r}, secret={secret!r})
with transaction.atomic():
    alerts = [
        do_queue_alert("sla.breached", f"SLA missed {{n}}", "first touch missed", {{"n": n}}, [])
        for n in range({count})
    ]
print(json.dumps([a.message_id for a in alerts]))
"""
STATE = """
import json
from accord.alerts.models import Attempt, Delivery
print(json.dumps({
    "statuses": sorted(Delivery.objects.values_list("status", flat=True)),
    "attempts": Attempt.objects.count(),
}))
"""
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A database of these tests' own, of the kind the suite runs on."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres:", "postgresql:")):
        yield f"sqlite:///{tmp_path_factory.mktemp('worker') / 'accord.sqlite3'}"
        return
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_worker_faults"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Accord:
    """`accord` commands run as processes on the test's database."""

    def __init__(self, database_url, data_dir):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "ACCORD_DATA_DIR": str(data_dir),
            "ACCORD_WEBHOOK_TIMEOUT": "2",  # a claim on a delivery lapses after 9 s
            "ACCORD_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }

    def run(self, *args) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "accord", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def python(self, code: str):
        return json.loads(self.run("manage", "shell", "-c", code).strip().splitlines()[-1])

    def worker(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "accord", "worker", "--every", "1", "--poll", "0.2"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )


@pytest.fixture(scope="module")
def accord(database_url, tmp_path_factory):
    accord = Accord(database_url, tmp_path_factory.mktemp("data"))
    accord.run("manage", "migrate", "-v0")
    return accord


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


def stop(worker: subprocess.Popen) -> str:
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    return output


def test_a_worker_killed_mid_delivery_loses_no_alert_and_the_receiver_counts_each_once(accord):
    with Receiver(delay=0.4) as receiver:
        sent = accord.python(SEED.format(url=receiver.url, secret=SECRET, count=ALERTS))
        first = accord.worker()
        try:
            wait_for(lambda: len(receiver.received) >= 4, 60, "the fourth webhook")
            first.send_signal(signal.SIGKILL)  # the receiver is still answering the fourth
        finally:
            first.kill()
            first.wait()
        assert len(set(receiver.ids())) < ALERTS

        second = accord.worker()
        try:
            wait_for(lambda: len(set(receiver.ids())) == ALERTS, 90, "every alert to arrive")
            # The one in flight at the kill is sent again once its claim lapses.
            wait_for(
                lambda: accord.python(STATE)["statuses"] == ["delivered"] * ALERTS,
                90,
                "every delivery to be recorded as sent",
            )
        finally:
            stop(second)
        received = receiver.ids()

    assert sorted(set(received)) == sorted(sent)  # unique webhook-ids = alerts, none missing
    repeated = len(received) - len(set(received))
    assert repeated <= 1  # only the delivery in flight at the kill, under its same id
    assert accord.python(STATE)["attempts"] == ALERTS  # the lost attempt left no log row


def test_sigterm_finishes_the_delivery_in_hand_and_stops(accord):
    with Receiver(delay=1.0) as receiver:
        sent = accord.python(SEED.format(url=receiver.url, secret=SECRET, count=3))
        worker = accord.worker()
        wait_for(lambda: len(receiver.received) == 1, 60, "the first webhook")
        output = stop(worker)
        assert "Stopping: the worker finishes the job in hand first." in output
        assert "Accord worker stopped." in output
        assert accord.python(STATE)["statuses"] == ["delivered", "pending", "pending"]

        again = accord.worker()
        try:
            wait_for(lambda: len(receiver.received) == 3, 60, "the other webhooks")
        finally:
            stop(again)
        assert sorted(receiver.ids()) == sorted(sent)  # each exactly once
