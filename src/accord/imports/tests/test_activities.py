"""Salesforce Tasks and Events as Salesforce exports them: a logged call or a meeting becomes a
touch of the lead or contact it names (WhoId), at its date; other tasks are skipped and said."""

import datetime as dt

import pytest
from django.core.management.base import CommandError

from accord.crm.models import Person
from accord.imports.tests.helpers import FIXTURES, run_import
from accord.touchpoints.models import Touchpoint


@pytest.fixture
def people(db):
    for name in ("salesforce-leads.csv", "salesforce-accounts.csv", "salesforce-contacts.csv"):
        run_import(FIXTURES / name)


def test_logged_calls_become_call_touches_and_other_tasks_are_skipped_and_said(people):
    output = run_import(FIXTURES / "salesforce-tasks.csv")

    assert "as Salesforce tasks" in output
    assert "1 row skipped, each a task that is not a call: 3" in output
    assert "1 row skipped, each names no lead or contact (WhoId is blank): 4" in output
    emma = Person.objects.get(email="emma.schmidt@fabrikam.example")
    olivia = Person.objects.get(email="olivia.brown@tailspin.example")
    assert [(t.kind, t.channel, t.occurred_at) for t in emma.touchpoints.all()] == [
        ("call", "sales_outreach", dt.datetime(2024, 3, 4, tzinfo=dt.UTC))
    ]
    assert [t.occurred_at.date() for t in olivia.touchpoints.all()] == [dt.date(2024, 3, 7)]

    run_import(FIXTURES / "salesforce-tasks.csv")
    assert Touchpoint.objects.count() == 2  # importing again adds nothing


def test_a_meeting_becomes_a_meeting_touch_at_its_start(people):
    run_import(FIXTURES / "salesforce-events.csv")

    touch = Touchpoint.objects.get()
    assert (touch.person.email, touch.kind) == ("emma.schmidt@fabrikam.example", "meeting")
    assert touch.occurred_at == dt.datetime(2024, 3, 12, 14, tzinfo=dt.UTC)


def test_a_task_of_a_lead_not_imported_yet_refuses_the_file(db):
    with pytest.raises(CommandError) as refused:
        run_import(FIXTURES / "salesforce-tasks.csv")

    assert "row 2, column WhoId: no person has Salesforce id '00Q5g00000AbCdEAAV'" in str(
        refused.value
    )
    assert not Touchpoint.objects.exists()
