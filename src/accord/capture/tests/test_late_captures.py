"""A capture waiting more than a minute for the worker is seen by admins: on the health page, in
their "today" and on /healthz?deep=1, with the same words."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from accord.capture.tests.test_routing import LEAD

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes

LATE = "2 captures wait for the worker, the oldest for 90 s"


def test_captures_left_waiting_fail_the_health_page_and_the_deep_check_alike(
    client, capture, admin_user
):
    call_command("worker", "--once", stdout=StringIO())  # a worker that ran, then stopped
    now = dt.datetime.now(dt.UTC)
    with time_machine.travel(now, tick=False):
        capture.post("/leads", LEAD)
        capture.post("/leads", {**LEAD, "email": "bo@elsewhere.example"})
    client.force_login(admin_user)

    with time_machine.travel(now + dt.timedelta(seconds=30), tick=False):
        assert client.get("/health/").context["failing"] == 0
    with time_machine.travel(now + dt.timedelta(seconds=90), tick=False):
        page = client.get("/health/")
        deep = client.get("/healthz", {"deep": "1"})
        [today] = client.get("/").context["needs"]

    problems = {check.part: check.problem for check in page.context["checks"] if not check.ok}
    assert problems == {"captures": LATE}
    assert deep.status_code == 503 and deep.json()["failing"] == {"captures": LATE}
    assert (today.label, today.value, today.urgent) == ("Health checks failing", "1", True)
    html = page.content.decode()
    assert f"Failing</strong>: {LATE}" in html
    assert "2, the oldest for 90 s" in html


def test_once_the_worker_routes_them_the_page_is_healthy(client, capture, admin_user):
    capture.post("/leads", LEAD)
    call_command("worker", "--once", stdout=StringIO())
    client.force_login(admin_user)

    page = client.get("/health/")

    assert page.context["failing"] == 0
    assert page.context["worker"].captures_waiting == 0
    assert "Every check passes." in page.content.decode()


def test_the_health_page_is_for_admins(client, marketer):
    client.force_login(marketer)

    assert client.get("/health/").status_code == 403
    assert "/health/" not in client.get("/").content.decode()
