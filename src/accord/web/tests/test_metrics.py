"""/metrics answers Prometheus with the requests by route, status and time, the queries' time,
and what the database holds now (the worker's queue, deliveries, imports); only a client on this
machine may read it, or, once ACCORD_METRICS_TOKEN is set, whoever sends that token."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from prometheus_client.parser import text_string_to_metric_families

from accord.alerts.tasks import send_alerts

TOKEN = "s3cret-token-for-the-metrics-scrape-0123456789"
T0 = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def scrape(client, **headers) -> dict[tuple[str, frozenset], float]:
    answer = client.get("/metrics", headers=headers)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.content.decode())
        for sample in family.samples
    }


def value(figures, name, **labels) -> float:
    return figures.get((name, frozenset(labels.items())), 0.0)


@pytest.mark.django_db
def test_requests_are_counted_by_route_and_status_with_their_time(client, rep):
    client.force_login(rep)
    before = scrape(client)

    for person in (1, 2, 3):  # three paths, one route
        client.get(f"/people/{person}/")
    client.get("/no-such-page/")

    after = scrape(client)
    route = {"route": "/people/<int:pk>/", "method": "GET", "status": "404"}
    counted = value(after, "accord_http_requests_total", **route)
    assert counted - value(before, "accord_http_requests_total", **route) == 3
    unmatched = {"route": "unmatched", "method": "GET", "status": "404"}
    assert (
        value(after, "accord_http_requests_total", **unmatched)
        - value(before, "accord_http_requests_total", **unmatched)
        == 1
    )
    timed = {"route": "/people/<int:pk>/", "method": "GET"}
    assert (
        value(after, "accord_http_request_duration_seconds_count", **timed)
        - value(before, "accord_http_request_duration_seconds_count", **timed)
        == 3
    )
    assert value(after, "accord_db_query_duration_seconds_count") > value(
        before, "accord_db_query_duration_seconds_count"
    )


@pytest.mark.django_db(transaction=True)
def test_the_queue_its_oldest_job_and_the_worker_heartbeat_are_read_from_the_database(client):
    with time_machine.travel(T0, tick=False):
        assert value(scrape(client), "accord_queue_jobs", queue="default") == 0
        call_command("worker", "--once", stdout=StringIO())
        send_alerts.enqueue()
    with time_machine.travel(T0 + dt.timedelta(seconds=90), tick=False):
        figures = scrape(client)

    assert value(figures, "accord_queue_jobs", queue="default") == 1
    assert value(figures, "accord_queue_oldest_job_age_seconds", queue="default") == 90
    assert value(figures, "accord_queue_jobs", queue="dashboard") == 0
    assert value(figures, "accord_worker_heartbeat_age_seconds") == 90


@pytest.mark.django_db
def test_alert_deliveries_imports_and_crm_syncs_are_counted_by_outcome(client, rep):
    from accord.alerts.models import Alert, Delivery, Event
    from accord.crm_sync.models import Connection, SyncProblem, SyncRun
    from accord.imports.models import ImportRun

    alert = Alert.objects.create(
        event=Event.SLA_BREACHED, subject="Missed", text="Missed", created_at=T0
    )
    for status in ("delivered", "delivered", "failed"):
        Delivery.objects.create(
            alert=alert, channel="email", email=rep.email, status=status, next_attempt_at=T0
        )
    ImportRun.objects.create(file_name="a.csv", size_bytes=1, mode="check", status="refused")
    hubspot = Connection.objects.create(kind=Connection.Kind.HUBSPOT)
    done = SyncRun.objects.create(connection=hubspot, status="done", started_at=T0)
    SyncRun.objects.create(connection=hubspot, status="failed", started_at=T0)
    for remote_id in ("101", "102"):
        SyncProblem.objects.create(
            run=done, object="contacts", direction="pull", remote_id=remote_id, reason="no e-mail"
        )

    figures = scrape(client)

    assert value(figures, "accord_alert_deliveries", channel="email", outcome="delivered") == 2
    assert value(figures, "accord_alert_deliveries", channel="email", outcome="failed") == 1
    assert value(figures, "accord_import_runs", mode="check", outcome="refused") == 1
    assert value(figures, "accord_sync_runs", crm="hubspot", outcome="done") == 1
    assert value(figures, "accord_sync_runs", crm="hubspot", outcome="failed") == 1
    assert value(figures, "accord_sync_errors", crm="hubspot", direction="pull") == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "headers"),
    [
        ("203.0.113.7", {}),  # another machine
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.7"}),  # through a proxy on this one
    ],
)
def test_without_a_token_only_this_machine_may_read_the_metrics(client, address, headers):
    answer = client.get("/metrics", REMOTE_ADDR=address, headers=headers)

    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"accord_" not in answer.content


@pytest.mark.django_db
def test_with_a_token_set_only_its_holder_may_read_the_metrics_from_anywhere(client, settings):
    settings.METRICS_TOKEN = TOKEN  # ACCORD_METRICS_TOKEN
    elsewhere = {"REMOTE_ADDR": "203.0.113.7"}

    assert client.get("/metrics").status_code == 401  # this machine needs it too
    wrong = {"Authorization": f"Bearer {TOKEN[:-1]}x"}
    assert client.get("/metrics", headers=wrong, **elsewhere).status_code == 401
    right = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, **elsewhere)
    assert right.status_code == 200 and b"accord_http_requests_total" in right.content
