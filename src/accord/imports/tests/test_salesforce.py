import datetime as dt
from decimal import Decimal

import pytest
from django.core.management.base import CommandError

from accord.crm.models import Account, LifecycleStage, Opportunity, Person, PipelineStage
from accord.imports.tests.helpers import FIXTURES, run_import, snapshot


def test_salesforce_leads_map_status_to_lifecycle_and_find_the_account_by_email_domain(db):
    output = run_import(FIXTURES / "salesforce-leads.csv")

    assert "as Salesforce leads" in output
    emma = Person.objects.get(email="emma.schmidt@fabrikam.example")
    assert emma.lead_status == "Working - Contacted"
    assert emma.lifecycle_stage == LifecycleStage.SAL
    assert emma.original_source == "direct"  # Salesforce's "Web" lead source
    assert emma.created_at == dt.datetime(2024, 1, 15, 10, 23, tzinfo=dt.UTC)
    assert emma.account.name == "Fabrikam GmbH"
    assert emma.account.industry == "Manufacturing"
    noah = Person.objects.get(email="noah.kim@fabrikam.example")
    assert noah.lifecycle_stage == LifecycleStage.DISQUALIFIED
    assert noah.account == emma.account
    # A Gmail address says nothing about the company "Freelance".
    liam = Person.objects.get(email="liam.obrien@gmail.com")
    assert (liam.account, liam.lifecycle_stage) == (None, LifecycleStage.LEAD)
    assert Account.objects.count() == 1


def test_salesforce_accounts_contacts_and_opportunities_link_by_salesforce_id(db):
    run_import(FIXTURES / "salesforce-accounts.csv")
    run_import(FIXTURES / "salesforce-contacts.csv")
    run_import(FIXTURES / "salesforce-opportunities.csv")

    fabrikam = Account.objects.get(
        domain="fabrikam.example"
    )  # from https://www.fabrikam.example/de
    assert (fabrikam.name, fabrikam.employee_count) == ("Fabrikam GmbH", 900)
    olivia = Person.objects.get(email="olivia.brown@tailspin.example")
    assert olivia.account.name == "Tailspin Toys"
    seats = Opportunity.objects.get(name="Fabrikam - 500 seats")
    assert (seats.stage, seats.amount) == (PipelineStage.DISCOVERY, Decimal("75000.00"))
    assert seats.account == fabrikam
    assert seats.created_date == dt.date(2024, 2, 1)
    assert Opportunity.objects.get(name="Tailspin - Pilot").stage == PipelineStage.CLOSED_LOST


def test_leads_from_a_report_export_with_label_headers(db):
    output = run_import(FIXTURES / "salesforce-lead-report.csv")

    assert "as Salesforce lead report" in output
    sofia = Person.objects.get(email="sofia.rossi@wingtip.example")
    assert (sofia.title, sofia.account.name) == ("CMO", "Wingtip")
    assert sofia.created_at == dt.datetime(2024, 3, 14, tzinfo=dt.UTC)


def test_a_lead_already_imported_from_hubspot_is_matched_by_email_in_any_case(db, tmp_path):
    run_import(FIXTURES / "salesforce-leads.csv")
    before = snapshot()
    path = tmp_path / "leads.csv"
    path.write_text(
        "Id,FirstName,LastName,Company,Email,Status\n"
        "00Q5g00000AbCdEAAV,Emmy,Schmidt,Fabrikam GmbH,EMMA.SCHMIDT@FABRIKAM.EXAMPLE,"
        "Working - Contacted\n"
    )

    output = run_import(path)

    assert "0 created          1 updated" in output
    emma = Person.objects.get(email__iexact="emma.schmidt@fabrikam.example")
    assert (emma.first_name, emma.lifecycle_stage) == ("Emmy", LifecycleStage.SAL)
    assert len(snapshot()["people"]) == len(before["people"])


def test_a_lead_with_sales_converted_in_salesforce_is_refused_at_its_status(db, tmp_path):
    """Sales accepted and qualified are a rep's accept and convert in the inbox, whatever path."""
    run_import(FIXTURES / "salesforce-leads.csv")
    path = tmp_path / "leads.csv"
    path.write_text(
        "Id,FirstName,LastName,Company,Email,Status\n"
        "00Q5g00000AbCdEAAV,Emma,Schmidt,Fabrikam GmbH,emma.schmidt@fabrikam.example,"
        "Closed - Converted\n"
    )

    with pytest.raises(CommandError, match="row 2, column Status: Only the rep a lead is hand"):
        run_import(path)

    assert Person.objects.get(email="emma.schmidt@fabrikam.example").lifecycle_stage == "sal"


def test_the_same_deal_file_twice_updates_and_never_duplicates(db):
    run_import(FIXTURES / "salesforce-accounts.csv")
    run_import(FIXTURES / "salesforce-opportunities.csv")
    run_import(FIXTURES / "salesforce-opportunities.csv")

    assert Opportunity.objects.count() == 2
