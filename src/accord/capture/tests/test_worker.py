"""The request records, the worker decides: a capture is answered at once as received, followed
at its status URL while the worker scores and routes it, and routed exactly once: retried,
doubled in a batch, or with the worker stopping half-way through."""

import pytest
from tests.factories import AccountFactory

from accord.alerts.models import Alert, Delivery, Event
from accord.capture import batches
from accord.capture.models import Capture
from accord.capture.tests.test_routing import LEAD, round_robin
from accord.crm import rollups
from accord.crm.models import FunnelCount, Person, StagesReached
from accord.crm.rollups import KEY, STAGE_COLUMNS
from accord.handoff import routing
from accord.handoff.models import Handoff
from accord.teams.models import ApiToken
from accord.teams.tokens import do_create_token


@pytest.fixture
def software_company(db):
    return AccountFactory(domain="northwind.example", industry="Software", employee_count=250)


def test_a_capture_is_received_at_once_and_its_status_walks_to_routed(
    capture, quick_mql_agreement, sales_team, rep, software_company, run_worker
):
    round_robin(sales_team, rep)

    answer = capture.post("/leads", LEAD).json()

    assert (answer["status"], answer["created"], answer["handoff_id"]) == ("received", True, None)
    assert not Handoff.objects.exists()
    waiting = capture.status(answer["capture_id"]).json()
    assert (waiting["status"], waiting["score"], waiting["processed_at"]) == (
        "received",
        None,
        None,
    )

    run_worker()

    routed = capture.client.get(answer["status_url"], headers=_bearer(capture)).json()
    handoff = Handoff.objects.get()
    assert (routed["status"], routed["handoff_id"], routed["owner_id"]) == (
        "routed",
        handoff.pk,
        rep.pk,
    )
    assert routed["is_mql"] is True and routed["score"] >= 75
    assert handoff.captured_at == Capture.objects.get().received_at
    assert handoff.handed_off_at >= handoff.captured_at  # the SLA clock starts at routing


def test_a_lead_that_does_not_qualify_ends_scored(
    capture, quick_mql_agreement, sales_team, rep, run_worker
):
    round_robin(sales_team, rep)
    answer = capture.post("/leads", {**LEAD, "email": "bo@gmail.com"}).json()

    run_worker()

    status = capture.status(answer["capture_id"]).json()
    assert (status["status"], status["is_mql"], status["handoff_id"]) == ("scored", False, None)


def test_only_the_sender_may_follow_a_capture(capture, marketing_head, run_worker):
    answer = capture.post("/leads", LEAD).json()
    other = do_create_token(marketing_head, "other site", ApiToken.Scope.CAPTURE)[1]

    assert capture.status(answer["capture_id"], secret=other).status_code == 404
    assert capture.status(answer["capture_id"]).status_code == 200


def test_wait_answers_with_the_handoff(
    capture, quick_mql_agreement, sales_team, rep, software_company
):
    round_robin(sales_team, rep)

    answer = capture.post("/leads", LEAD, wait=2).json()

    assert (answer["status"], answer["handoff_id"], answer["owner_id"]) == (
        "routed",
        Handoff.objects.get().pk,
        rep.pk,
    )


def test_a_retry_with_the_same_key_gets_the_first_answer_and_routes_nothing_more(
    capture, quick_mql_agreement, sales_team, rep, software_company, run_worker
):
    round_robin(sales_team, rep)
    first = capture.post("/leads", LEAD, key="form-1").json()
    run_worker()

    again = capture.post("/leads", LEAD, key="form-1")
    run_worker()

    assert again.status_code == 201 and again.json() == first
    assert Capture.objects.count() == 1 and Handoff.objects.count() == 1


def test_a_burst_of_the_same_and_other_people_routes_each_person_once(
    capture, quick_mql_agreement, sales_team, rep, other_rep, software_company, run_worker
):
    round_robin(sales_team, rep, other_rep)
    people = ["ann", "bo", "cy"]
    answers = [
        capture.post("/leads", {**LEAD, "email": f"{name}@northwind.example", "page": str(n)})
        for n in range(3)
        for name in people
    ]

    assert batches.do_process_captures().captures == 9  # one batch

    assert Person.objects.count() == 3
    handoffs = {h.person.email.split("@")[0]: h for h in Handoff.objects.all()}
    assert sorted(handoffs) == people
    for response in answers:
        status = capture.status(response.json()["capture_id"]).json()
        assert status["handoff_id"] == handoffs[response.json()["email"].split("@")[0]].pk
    assert sorted(h.assigned_to.pk for h in handoffs.values()).count(rep.pk) in (1, 2)


def test_a_worker_stopping_half_way_through_a_batch_routes_each_capture_once_when_it_runs_again(
    capture, quick_mql_agreement, sales_team, rep, software_company, run_worker, monkeypatch
):
    round_robin(sales_team, rep)
    for name in ["ann", "bo", "cy"]:
        capture.post("/leads", {**LEAD, "email": f"{name}@northwind.example"})
    real_alerts = routing.alert_leads_routed

    def dies_once_the_outbox_is_written(handoffs):
        real_alerts(handoffs)
        raise SystemExit("the worker was stopped")

    monkeypatch.setattr(routing, "alert_leads_routed", dies_once_the_outbox_is_written)
    with pytest.raises(SystemExit):
        run_worker()

    assert not Handoff.objects.exists()
    assert not Alert.objects.filter(event=Event.LEAD_ROUTED).exists()
    assert Capture.objects.filter(status="received").count() == 3

    monkeypatch.setattr(routing, "alert_leads_routed", real_alerts)
    run_worker()

    assert Handoff.objects.count() == 3
    assert Capture.objects.filter(status="routed").count() == 3
    assert Delivery.objects.filter(recipient=rep).count() == 3  # one alert per lead
    assert run_worker() == 0


def _bearer(capture):
    return {"Authorization": f"Bearer {capture.secret}"}


def funnel() -> tuple[list, list]:
    stages = sorted(StagesReached.objects.values_list(*STAGE_COLUMNS.split(", ")))
    counts = FunnelCount.objects.filter(people__gt=0).values_list(*KEY.split(", "), "people")
    return stages, sorted(counts)


def test_a_batch_leaves_the_funnels_rollups_as_working_them_out_again_would(
    capture, quick_mql_agreement, sales_team, rep, software_company, run_worker
):
    round_robin(sales_team, rep)
    for name in ["ann", "bo"]:  # new people on a software company: MQLs, routed
        capture.post("/leads", {**LEAD, "email": f"{name}@northwind.example"})
    capture.post("/leads", {**LEAD, "email": "cy@gmail.com"})  # a lead, no more

    run_worker()
    kept = funnel()
    rollups.rebuild()

    assert kept == funnel()
    assert sum(n for *_, n in kept[1]) == Person.objects.count()
