"""The inbox page: one line a lead with its clock, the selected lead in a side panel with the
explanation and the actions, and htmx actions that answer the panel, the row and the counts."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.crm.models import LifecycleStage
from accord.handoff.models import Handoff
from accord.handoff.tests.helpers import new_york

MONDAY_10 = new_york(2026, 11, 30, 10)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def mine(lead, rep):
    return lead(rep, at=MONDAY_10, email="ann@northwind.example")


def act(client, handoff, action, data=None):
    return client.post(reverse("handoff:act", args=[handoff.pk, action]), data or {}, headers=HTMX)


def test_the_rep_sees_the_lead_why_it_qualified_and_its_clock(client, rep, mine):
    client.force_login(rep)

    with time_machine.travel(new_york(2026, 11, 30, 12), tick=False):
        page = client.get("/inbox/").content.decode()
        panel = client.get(f"/inbox/{mine.pk}/", headers=HTMX).content.decode()

    assert "ann@northwind.example" in page and "2.0 h left" in page
    page = panel
    assert "Target industry: +25" in page
    assert "First touch: 2.0 working h left" in page
    assert "Mon 30 Nov, 14:00 EST" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_an_overdue_clock_is_flagged(client, rep, mine):
    client.force_login(rep)

    with time_machine.travel(new_york(2026, 12, 1, 9, 30), tick=False):
        page = client.get("/inbox/").content.decode()

    assert "Overdue 3.5 h" in page
    assert 'class="overdue"' in page


def test_accepting_answers_the_panel_the_row_and_the_counts(client, rep, mine):
    client.force_login(rep)

    answer = act(client, mine, "accept")

    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.startswith('<section class="lead" data-testid="panel"')
    assert f'<tr id="lead-{mine.person_id}"' in html and 'hx-swap-oob="true"' in html
    assert "Accepted (SAL)" in html
    assert "0</strong> waiting for a decision" in html and "1 accepted" in html
    assert "<html" not in html
    mine.person.refresh_from_db()
    assert mine.person.lifecycle_stage == LifecycleStage.SAL


def test_a_rejection_without_a_reason_is_refused_in_the_row(client, rep, mine):
    client.force_login(rep)

    row = act(client, mine, "reject", {"reason_code": "", "comment": "meh"})

    assert "Choose a reject reason" in row.content.decode()
    assert Handoff.objects.get(pk=mine.pk).status == Handoff.Status.ASSIGNED


def test_rejecting_with_a_reason_sends_the_lead_back(client, rep, mine):
    client.force_login(rep)

    row = act(client, mine, "reject", {"reason_code": "bad_timing", "comment": "Next year"})

    assert "Rejected: Bad timing</strong> – “Next year”" in row.content.decode()
    mine.person.refresh_from_db()
    assert mine.person.lifecycle_stage == LifecycleStage.LEAD


def test_converting_makes_an_sql(client, rep, mine):
    client.force_login(rep)

    assert "Converted (SQL)" in act(client, mine, "convert").content.decode()


def test_without_htmx_an_action_goes_back_to_the_inbox(client, rep, mine):
    client.force_login(rep)

    answer = client.post(reverse("handoff:act", args=[mine.pk, "accept"]))

    assert answer.status_code == 302 and answer["Location"] == "/inbox/"


def test_a_rep_never_sees_or_touches_another_reps_lead(client, lead, rep, other_rep):
    theirs = lead(other_rep, email="bo@elsewhere.example")
    client.force_login(rep)

    assert "bo@elsewhere.example" not in client.get("/inbox/").content.decode()
    assert act(client, theirs, "accept").status_code == 404
    assert Handoff.objects.get(pk=theirs.pk).status == Handoff.Status.ASSIGNED


def test_the_head_filters_by_rep_and_reassigns(client, lead, rep, other_rep, sales_head):
    mine = lead(rep, email="ann@northwind.example")
    lead(other_rep, email="bo@elsewhere.example")
    client.force_login(sales_head)

    everyone = client.get("/inbox/").content.decode()
    only_rep = client.get("/inbox/", {"rep": rep.pk}).content.decode()
    row = act(client, mine, "reassign", {"to_rep": other_rep.pk}).content.decode()

    assert "ann@northwind.example" in everyone and "bo@elsewhere.example" in everyone
    assert "ann@northwind.example" in only_rep and "bo@elsewhere.example" not in only_rep
    assert "Reassigned by" in row and str(other_rep) in row
    assert Handoff.objects.get(person=mine.person, status="assigned").assigned_to == other_rep


@pytest.mark.parametrize("persona", ["rep", "sales_head"])
@pytest.mark.parametrize("params", [{}, {"q": "northwind"}, {"clock": "running"}])
def test_the_inbox_asks_as_many_queries_for_fifty_leads_as_for_five(
    client, lead, rep, request, persona, params
):
    def leads(n: int) -> None:
        for _ in range(n):
            lead(rep, email=f"lead{Handoff.objects.count()}@northwind.example")

    client.force_login(request.getfixturevalue(persona))
    leads(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/inbox/", params).status_code == 200

    leads(45)
    with CaptureQueriesContext(connection) as fifty:
        page = client.get("/inbox/", params).content.decode()

    assert page.count('data-testid="lead"') == 50
    assert len(fifty) == len(five)


def test_reps_and_heads_find_the_inbox_in_the_navigation(client, rep, sales_head, marketer):
    for user, sees in ((rep, True), (sales_head, True), (marketer, False)):
        client.force_login(user)
        nav = [item["label"] for item in client.get("/inbox/").context["nav"]]
        assert ("Inbox" in nav) is sees


def test_the_marketing_head_has_no_team_inbox_to_filter(client, marketing_head, rep, mine):
    client.force_login(marketing_head)

    page = client.get("/inbox/").content.decode()

    assert "My inbox" in page and "ann@northwind.example" not in page
    assert 'aria-label="Filter by rep"' not in page


def test_a_long_inbox_comes_a_page_at_a_time_the_accepted_leads_last(client, lead, rep):
    from accord.handoff.services import do_accept

    leads = [lead(rep, at=MONDAY_10, email=f"lead{n}@northwind.example") for n in range(53)]
    for handoff in leads[:3]:
        do_accept(handoff, rep)
    client.force_login(rep)

    first = client.get("/inbox/").content.decode()
    second = client.get("/inbox/", {"page": 2}).content.decode()

    assert "53 open leads: <strong>50</strong> waiting for a decision" in first
    assert "3 accepted" in first and "1–50 of 53" in first
    assert first.count('data-testid="lead"') == 50
    assert 'rel="next"' in first and "lead0@" not in first
    assert second.count('data-testid="lead"') == 3
    assert all(f"lead{n}@northwind.example" in second for n in range(3))


@pytest.mark.parametrize(
    "query", [{"sort": "-score"}, {"q": "example", "clock": "overdue"}, {"grade": "A", "rep": ""}]
)
def test_a_narrowed_inbox_and_the_lead_panel_read_a_fixed_number_of_queries(
    client, lead, rep, other_rep, sales_head, django_assert_max_num_queries, query
):
    client.force_login(sales_head)
    first = lead(rep)
    with django_assert_max_num_queries(40) as few:
        client.get("/inbox/", query)
        client.get(f"/inbox/{first.pk}/", headers=HTMX)
    for _ in range(5):
        lead(rep), lead(other_rep)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/inbox/", query)
        client.get(f"/inbox/{first.pk}/", headers=HTMX)


def test_a_filter_change_answers_the_list_alone(client, lead, rep):
    lead(rep, email="ann@northwind.example")
    lead(rep, email="bo@elsewhere.example")
    client.force_login(rep)

    answer = client.get("/inbox/", {"q": "northwind"}, headers=HTMX | {"HX-Target": "inbox-list"})

    html = answer.content.decode()
    assert "<html" not in html and 'id="inbox-counts"' in html
    assert "ann@northwind.example" in html and "bo@elsewhere.example" not in html
    assert "1 open lead:" in html


def test_a_bad_filter_is_named(client, rep):
    client.force_login(rep)

    answer = client.get("/inbox/", {"clock": "tomorrow", "sort": "shoe size"})

    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Clock: Select a valid choice" in html and "Sort by: Select a valid choice" in html
