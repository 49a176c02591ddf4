"""/metrics counts the captures carried out, those waiting for the worker, those routed and the SLA
clocks reps then missed; a retry answered from the first submission is not counted again."""

import datetime as dt

from prometheus_client.parser import text_string_to_metric_families
from tests.factories import AccountFactory

from accord.capture.tests.test_routing import LEAD, round_robin
from accord.handoff.services import do_mark_breaches


def figure(client, name, **labels) -> float:
    text = client.get("/metrics").content.decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def test_captures_are_counted_once_and_those_waiting_for_the_worker_are_shown(
    client,
    capture,
    quick_mql_agreement,
    sales_team,
    rep,
    django_capture_on_commit_callbacks,
    run_worker,
):
    AccountFactory(domain="northwind.example", industry="Software", employee_count=250)
    round_robin(sales_team, rep)
    received = figure(client, "accord_captures_received_total", endpoint="leads")

    with django_capture_on_commit_callbacks(execute=True):  # counted once the capture is kept
        capture.post("/leads", LEAD, key="form-1")
        capture.post("/leads", LEAD, key="form-1")  # the same submission again
        capture.post("/leads", {**LEAD, "email": "bo@elsewhere.example"})

    assert figure(client, "accord_captures_received_total", endpoint="leads") - received == 2
    assert figure(client, "accord_captures_waiting") == 2
    routed = figure(client, "accord_captures_routed_total")
    run_worker()
    assert figure(client, "accord_captures_waiting") == 0
    # the lead from northwind.example is an MQL and goes to the rep; the other is only scored
    assert figure(client, "accord_captures_routed_total") - routed == 1


def test_a_missed_first_touch_is_counted_as_a_breach(
    client, capture, quick_mql_agreement, sales_team, rep
):
    AccountFactory(domain="northwind.example", industry="Software", employee_count=250)
    round_robin(sales_team, rep)
    capture.routed("/leads", LEAD)
    assert figure(client, "accord_sla_breaches_total", clock="first_touch") == 0

    do_mark_breaches(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=7))

    assert figure(client, "accord_sla_breaches_total", clock="first_touch") == 1
