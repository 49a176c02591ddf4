"""HubSpot's activity exports (calls, meetings, e-mails, notes) as HubSpot writes them: each a
sales touch of its first associated contact at its Activity date, made as the sync makes it;
notes and e-mails never delivered are skipped and said."""

import datetime as dt

import pytest
from django.core.management.base import CommandError

from accord.crm.models import Person
from accord.imports.tests.helpers import FIXTURES, run_import
from accord.touchpoints.models import Touchpoint


def touches(email: str) -> list[tuple]:
    person = Person.objects.get(email__iexact=email)
    return [(t.kind, t.channel, t.occurred_at) for t in person.touchpoints.order_by("occurred_at")]


@pytest.fixture
def contacts(db):
    run_import(FIXTURES / "hubspot-contacts.csv")


def test_logged_calls_become_sales_touches_of_their_first_contact(contacts):
    output = run_import(FIXTURES / "hubspot-calls.csv")

    assert "as HubSpot calls" in output
    assert (
        "1 row skipped, each names no lead or contact (Associated Contact IDs is blank): 4"
        in output
    )
    assert touches("ana.garcia@northwind.example") == [
        ("call", "sales_outreach", dt.datetime(2024, 3, 7, 10, 15, tzinfo=dt.UTC))
    ]
    assert touches("bo.chen@northwind.example") == [
        ("call", "sales_outreach", dt.datetime(2024, 3, 8, 16, tzinfo=dt.UTC))
    ]

    run_import(FIXTURES / "hubspot-calls.csv")
    assert Touchpoint.objects.count() == 2  # importing again adds nothing


def test_e_mails_sent_and_answered_are_touches_and_undelivered_ones_are_not(contacts):
    output = run_import(FIXTURES / "hubspot-emails.csv")

    assert "as HubSpot e-mails" in output
    assert "1 row skipped, each an e-mail not delivered (Bounced): 4" in output
    assert "1 row skipped, each an e-mail not delivered (Scheduled): 5" in output
    assert touches("ana.garcia@northwind.example") == [
        ("email_open", "sales_outreach", dt.datetime(2024, 3, 10, 8, 30, tzinfo=dt.UTC)),
        ("email_click", "sales_outreach", dt.datetime(2024, 3, 10, 12, 5, tzinfo=dt.UTC)),
    ]
    assert touches("dev.patel@contoso.example") == []


def test_an_export_of_every_activity_type_reads_each_row_s_type(contacts):
    output = run_import(FIXTURES / "hubspot-activities.csv")

    assert "1 row skipped, each a note is not a touch: 3" in output
    assert [kind for kind, *_ in touches("dev.patel@contoso.example")] == ["meeting", "call"]


def test_an_activity_of_a_contact_not_imported_refuses_the_file(db):
    with pytest.raises(CommandError) as refused:
        run_import(FIXTURES / "hubspot-calls.csv")

    assert "row 2, column Associated Contact IDs: no person has HubSpot id '51'" in str(
        refused.value
    )
    assert not Touchpoint.objects.exists()


def test_the_e_mails_export_as_a_workbook_reads_as_the_csv_does(contacts):
    output = run_import(FIXTURES / "hubspot-emails.xlsx")

    assert "as HubSpot e-mails (read as XLSX sheet 'Emails')" in output
    assert [kind for kind, *_ in touches("ana.garcia@northwind.example")] == [
        "email_open",
        "email_click",
    ]
