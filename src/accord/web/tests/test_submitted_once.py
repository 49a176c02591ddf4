"""A form sent twice (a double click, a reload, the back button) is carried out once."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from tests.concurrency import run_at_once

from accord.agreement.models import Comment
from accord.goals.models import Meeting

MEETING = {"held_on": "2026-03-02", "title": "Joint pipeline review", "notes": "Q1 targets"}


def test_a_meeting_sent_twice_is_recorded_once_and_both_answers_lead_to_it(client, sales_head):
    client.force_login(sales_head)

    first = client.post("/meetings/record/", MEETING)
    second = client.post("/meetings/record/", MEETING)

    assert Meeting.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert "sent twice" in client.get(second["Location"]).content.decode()


def test_a_comment_sent_twice_is_added_once(client, marketer, agreement_in_force):
    client.force_login(marketer)
    path = f"/agreement/{agreement_in_force.number}/comment/"

    client.post(path, {"body": "The threshold looks high"})
    client.post(path, {"body": "The threshold looks high"})

    assert Comment.objects.count() == 1


def test_the_same_form_with_other_values_or_a_new_log_in_is_carried_out_again(client, sales_head):
    client.force_login(sales_head)
    client.post("/meetings/record/", MEETING)
    client.post("/meetings/record/", {**MEETING, "title": "Another meeting"})
    client.post("/meetings/record/", MEETING)  # not the last one carried out
    client.logout()
    client.force_login(sales_head)
    client.post("/meetings/record/", MEETING)

    assert Meeting.objects.count() == 4


def test_after_ten_minutes_the_same_form_is_a_new_submission(client, sales_head, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(sales_head)
    client.post("/meetings/record/", MEETING)
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 11, tzinfo=dt.UTC), tick=False)
    client.post("/meetings/record/", MEETING)

    assert Meeting.objects.count() == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers, so two posts cannot race there",
)
def test_a_meeting_sent_twice_at_the_same_moment_is_recorded_once(sales_head):
    clients = [Client(), Client()]
    for each in clients:
        each.force_login(sales_head)
    # One browser sends both: the same session.
    clients[1].cookies = clients[0].cookies

    answers = run_at_once([lambda c=c: c.post("/meetings/record/", MEETING) for c in clients])

    assert Meeting.objects.count() == 1
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
