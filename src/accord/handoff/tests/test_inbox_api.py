"""The inbox over JSON: my leads with why they qualified and their clocks, and what I do."""

import pytest
import time_machine

from accord.crm.models import LifecycleStage
from accord.handoff.models import Handoff
from accord.handoff.tests.helpers import new_york

MONDAY_10 = new_york(2026, 11, 30, 10)


@pytest.fixture
def mine(lead, rep):
    return lead(rep, at=MONDAY_10, email="ann@northwind.example")


def test_my_inbox_says_why_each_lead_qualified_and_how_long_i_have(api_as, rep, mine):
    with time_machine.travel(new_york(2026, 11, 30, 12), tick=False):
        answer = api_as(rep).get("/inbox").json()

    assert answer["count"] == 1
    item = answer["items"][0]
    assert item["email"] == "ann@northwind.example"
    assert item["score"]["is_mql"] is True
    rules = {line["rule"] for line in item["score"]["explanation"]}
    assert {"Target industry", "Mid-market or enterprise"} <= rules
    # Four working hours to the first touch from 10:00, two working days to decide.
    assert item["first_touch"]["working_hours_left"] == 2.0
    assert item["first_touch"]["due_local"].startswith("2026-11-30T14:00:00-05:00")
    assert item["decision"]["due_local"].startswith("2026-12-02T10:00:00-05:00")
    assert item["overdue"] is False
    assert item["time_zone"] == "America/New_York"


def test_a_missed_first_touch_shows_overdue_in_working_hours(api_as, rep, mine):
    with time_machine.travel(new_york(2026, 12, 1, 9, 30), tick=False):  # Tuesday
        item = api_as(rep).get("/inbox").json()["items"][0]

    # 14:00 to 17:00 on Monday, 9:00 to 9:30 on Tuesday
    assert item["first_touch"]["working_hours_left"] == -3.5
    assert item["first_touch"]["overdue"] is True
    assert item["overdue"] is True


def test_accepting_makes_a_sales_accepted_lead(api_as, rep, mine):
    answer = api_as(rep).post(f"/handoffs/{mine.pk}/accept", {})

    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "accepted"
    assert answer.json()["first_touch"] is None and answer.json()["decision"] is None
    mine.person.refresh_from_db()
    assert mine.person.lifecycle_stage == LifecycleStage.SAL


def test_a_rejection_needs_a_reason_and_goes_back_to_marketing(api_as, rep, mine):
    caller = api_as(rep)
    missing = caller.post(f"/handoffs/{mine.pk}/reject", {"comment": "no"})
    unknown = caller.post(f"/handoffs/{mine.pk}/reject", {"reason_code": "bored"})
    other = caller.post(f"/handoffs/{mine.pk}/reject", {"reason_code": "other"})
    assert (missing.status_code, unknown.status_code, other.status_code) == (422, 422, 422)
    assert other.json()["detail"][0]["loc"][-1] == "comment"

    done = caller.post(
        f"/handoffs/{mine.pk}/reject", {"reason_code": "no_budget", "comment": "Budget in Q3"}
    )

    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["reject_reason"]) == ("rejected", "no_budget")
    mine.person.refresh_from_db()
    assert mine.person.lifecycle_stage == LifecycleStage.LEAD
    assert mine.person.owner is None
    assert caller.get("/inbox").json()["count"] == 0


def test_a_duplicate_is_disqualified_by_the_agreement(api_as, rep, mine):
    api_as(rep).post(f"/handoffs/{mine.pk}/reject", {"reason_code": "duplicate"})

    mine.person.refresh_from_db()
    assert mine.person.lifecycle_stage == LifecycleStage.DISQUALIFIED


def test_converting_makes_a_sales_qualified_lead(api_as, rep, mine):
    answer = api_as(rep).post(f"/handoffs/{mine.pk}/convert", {})

    assert answer.json()["status"] == "converted"
    mine.person.refresh_from_db()
    assert mine.person.lifecycle_stage == LifecycleStage.SQL


def test_first_touch_stops_its_clock_only(api_as, rep, mine):
    item = api_as(rep).post(f"/handoffs/{mine.pk}/first-touch", {}).json()

    assert item["first_touch"] is None
    assert item["decision"] is not None


def test_a_closed_lead_cannot_be_acted_on_again(api_as, rep, mine):
    api_as(rep).post(f"/handoffs/{mine.pk}/convert", {})

    again = api_as(rep).post(f"/handoffs/{mine.pk}/accept", {})

    assert again.status_code == 409


def test_a_rep_never_sees_another_reps_lead(api_as, lead, rep, other_rep):
    theirs = lead(other_rep)

    assert api_as(rep).get("/inbox").json()["count"] == 0
    for action in ("accept", "convert", "first-touch"):
        assert api_as(rep).post(f"/handoffs/{theirs.pk}/{action}", {}).status_code == 404
    assert Handoff.objects.get(pk=theirs.pk).status == Handoff.Status.ASSIGNED


def test_the_head_sees_the_team_filters_by_rep_and_reassigns(
    api_as, lead, rep, other_rep, sales_head
):
    mine, theirs = lead(rep), lead(other_rep)
    head = api_as(sales_head)

    assert {i["id"] for i in head.get("/inbox").json()["items"]} == {mine.pk, theirs.pk}
    assert [i["id"] for i in head.get("/inbox", rep_id=rep.pk).json()["items"]] == [mine.pk]

    moved = head.post(f"/handoffs/{mine.pk}/reassign", {"to_rep_id": other_rep.pk})

    assert moved.status_code == 200, moved.json()
    assert moved.json()["assigned_to_id"] == other_rep.pk
    assert api_as(rep).get("/inbox").json()["count"] == 0
    assert api_as(other_rep).get("/inbox").json()["count"] == 2


def test_a_rep_may_not_reassign(api_as, lead, rep, other_rep):
    mine = lead(rep)

    answer = api_as(rep).post(f"/handoffs/{mine.pk}/reassign", {"to_rep_id": other_rep.pk})

    assert answer.status_code == 403


def test_reassigning_to_someone_outside_the_team_is_refused(
    api_as, lead, rep, sales_head, marketer
):
    mine = lead(rep)

    answer = api_as(sales_head).post(f"/handoffs/{mine.pk}/reassign", {"to_rep_id": marketer.pk})

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "to_rep_id"


def test_the_inbox_lists_many_leads_in_a_fixed_number_of_queries(
    api_as, lead, rep, other_rep, sales_head, django_assert_max_num_queries
):
    head = api_as(sales_head)
    lead(rep), lead(other_rep)
    with django_assert_max_num_queries(20) as few:
        head.get("/inbox")
    for _ in range(4):
        lead(rep), lead(other_rep)

    with django_assert_max_num_queries(len(few.captured_queries)):
        answer = head.get("/inbox").json()

    assert answer["count"] == 10


def test_the_inbox_comes_limit_at_a_time_with_the_count_of_all(api_as, lead, rep):
    from accord.handoff.services import do_accept

    leads = [lead(rep, email=f"lead{n}@northwind.example") for n in range(7)]
    do_accept(leads[0], rep)

    page = api_as(rep).get("/inbox", limit=5, offset=5).json()

    assert page["count"] == 7
    assert [item["status"] for item in page["items"]] == ["assigned", "accepted"]
    assert page["items"][-1]["email"] == "lead0@northwind.example"
    assert api_as(rep).get("/inbox", limit=501).status_code == 422
