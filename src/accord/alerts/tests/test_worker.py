"""`accord worker`'s periodic step finds SLA breaches, escalates them to the head with an alert,
and, when told to, gives a lead whose first touch was missed to the next rep."""

import datetime as dt
import os
import signal
import threading
import time
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.alerts.models import Alert
from accord.alerts.tasks import send_alerts
from accord.handoff.models import Handoff, RoutingMember
from accord.handoff.routing import do_route
from accord.handoff.tasks import mark_breaches
from accord.handoff.tests.helpers import mql, new_york
from accord.metrics import tasks as dashboard_tasks

# The worker commits as it goes and checks its connection like a server does: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

FRIDAY = new_york(2026, 11, 27, 15)  # first touch due Monday 11:00 (four working hours)
MONDAY_AFTER = new_york(2026, 11, 30, 11, 5)


def run_worker(moment, *args):
    with time_machine.travel(moment):
        call_command("worker", "--once", *args)


def test_the_worker_marks_a_missed_first_touch_and_tells_the_rep_and_the_head(
    round_robin, rep, sales_head, terms
):
    handoff = do_route(mql(first_name="Ann", last_name="Lee"), terms, at=FRIDAY)
    run_worker(FRIDAY)
    mail.outbox.clear()

    run_worker(new_york(2026, 11, 30, 10, 55))
    assert Handoff.objects.get().first_touch_breached_at is None
    run_worker(MONDAY_AFTER)

    handoff.refresh_from_db()
    assert handoff.first_touch_breached_at is not None
    assert handoff.escalated_at == handoff.first_touch_breached_at
    assert sorted(m.to[0] for m in mail.outbox) == sorted([rep.email, sales_head.email])
    assert {m.subject for m in mail.outbox} == {"SLA missed: first touch of Ann Lee"}
    run_worker(MONDAY_AFTER)
    assert Alert.objects.filter(event="sla.breached").count() == 1


def test_told_to_reassign_the_worker_gives_the_lead_to_the_next_rep(
    round_robin, rep, other_rep, sales_head, terms, agreement_in_force
):
    handoff = do_route(mql(), terms, at=FRIDAY)
    RoutingMember.objects.create(rule=round_robin, user=other_rep)

    run_worker(MONDAY_AFTER, "--reassign-on-breach")

    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.REASSIGNED
    moved = Handoff.objects.get(previous=handoff)
    assert moved.assigned_to == other_rep
    assert "after Ray Rep missed the first touch" in moved.reason
    assert other_rep.email in {m.to[0] for m in mail.outbox}


def test_the_worker_forgets_jobs_finished_more_than_a_day_ago(db):
    old, recent = send_alerts.enqueue(), send_alerts.enqueue()
    DBTaskResult.objects.filter(id=old.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(days=2)
    )
    DBTaskResult.objects.filter(id=recent.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(hours=2)
    )

    run_worker(timezone.now())

    assert not DBTaskResult.objects.filter(id=old.id).exists()
    assert DBTaskResult.objects.filter(id=recent.id).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs with the PostgreSQL suite: the SQLite test database is shared in memory, where "
    "two connections lock each other's tables at once instead of waiting as on a file",
)
def test_a_long_dashboard_work_out_does_not_hold_up_the_sla_sweep(monkeypatch):
    started, release, seen = threading.Event(), threading.Event(), {}

    def long_work_out():  # a minute of reading touches on a large database
        started.set()
        release.wait(30)

    def watch():
        started.wait(30)
        deadline = time.monotonic() + 15
        sweeps = DBTaskResult.objects.filter(task_path=mark_breaches.module_path)
        while time.monotonic() < deadline and not sweeps.filter(status="SUCCESSFUL").exists():
            time.sleep(0.1)
        seen["sweep done"] = sweeps.filter(status="SUCCESSFUL").exists()
        seen["work-out still running"] = DBTaskResult.objects.filter(
            task_path=dashboard_tasks.work_out_dashboard.module_path, status="RUNNING"
        ).exists()
        connection.close()
        release.set()
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(dashboard_tasks, "work_out_default_dashboard", long_work_out)
    dashboard_tasks.work_out_dashboard.enqueue()  # queued before the sweep
    threading.Thread(target=watch).start()

    call_command("worker", "--poll", "0.1", stdout=StringIO())

    assert seen == {"sweep done": True, "work-out still running": True}
