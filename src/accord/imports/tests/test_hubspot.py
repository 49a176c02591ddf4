import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management.base import CommandError

from accord.crm.models import (
    Account,
    DealContact,
    LifecycleChange,
    LifecycleStage,
    Opportunity,
    Person,
    PipelineStage,
    SourceRecord,
)
from accord.imports.tests.helpers import FIXTURES, run_import, snapshot


def test_hubspot_contacts_become_people_with_their_companies(db):
    output = run_import(FIXTURES / "hubspot-contacts.csv")

    assert "as HubSpot contacts" in output
    ana = Person.objects.get(email="ana.garcia@northwind.example")
    assert (ana.first_name, ana.last_name, ana.title) == ("Ana", "García", "VP Marketing")
    assert ana.lifecycle_stage == LifecycleStage.MQL
    assert ana.lead_status == "Open"
    assert ana.original_source == "organic_search"
    assert ana.created_at == dt.datetime(2024, 3, 4, 9, 15, tzinfo=dt.UTC)
    assert ana.account.domain == "northwind.example"
    assert ana.account.name == "Northwind, Inc."
    # Two colleagues, one account; a free-mail address gets none.
    assert Person.objects.get(email__iexact="bo.chen@northwind.example").account == ana.account
    assert Person.objects.get(email="chloe@gmail.com").account is None
    assert Person.objects.get(email="chloe@gmail.com").lifecycle_stage == LifecycleStage.SQL
    assert SourceRecord.objects.get(system="hubspot", external_id="51").object_id == ana.pk


def test_each_new_person_starts_their_lifecycle_history(db):
    imported_at = dt.datetime(2026, 5, 4, 10, 30, tzinfo=dt.UTC)
    with time_machine.travel(imported_at, tick=False):
        run_import(FIXTURES / "hubspot-contacts.csv")

    change = LifecycleChange.objects.get(person__email="dev.patel@contoso.example")
    assert (change.from_stage, change.to_stage) == ("", LifecycleStage.CUSTOMER)
    assert change.reason == "import hubspot-contacts.csv"
    assert (change.changed_at, change.changed_by) == (imported_at, None)
    assert LifecycleChange.objects.count() == Person.objects.count()


def test_companies_match_the_accounts_contacts_created_by_domain(db):
    run_import(FIXTURES / "hubspot-contacts.csv")
    output = run_import(FIXTURES / "hubspot-companies.csv")

    assert "0 created          2 updated" in output
    contoso = Account.objects.get(domain="contoso.example")
    assert (contoso.employee_count, contoso.region) == (1200, "Germany")
    assert contoso.people.get().email == "dev.patel@contoso.example"
    assert Account.objects.count() == 2


def test_deals_link_their_company_and_contact_by_hubspot_id(db):
    run_import(FIXTURES / "hubspot-contacts.csv")
    run_import(FIXTURES / "hubspot-companies.csv")
    run_import(FIXTURES / "hubspot-deals.csv")

    platform = Opportunity.objects.get(name="Northwind - Platform")
    assert platform.stage == PipelineStage.DISCOVERY
    assert platform.amount == Decimal("48000.00")
    assert platform.account.domain == "northwind.example"
    assert platform.primary_contact.email == "ana.garcia@northwind.example"
    renewal = Opportunity.objects.get(name="Contoso - Renewal")
    assert (renewal.stage, renewal.amount) == (PipelineStage.CLOSED_WON, Decimal("12500.50"))
    assert renewal.close_date == dt.date(2024, 4, 1)
    expansion = Opportunity.objects.get(name="Contoso - Expansion")
    assert expansion.account.domain == "contoso.example"  # the primary of "9002;9001"
    assert expansion.stage == PipelineStage.NEGOTIATION


def test_every_associated_contact_of_a_deal_is_one_of_its_contacts(db, tmp_path):
    run_import(FIXTURES / "hubspot-contacts.csv")
    run_import(FIXTURES / "hubspot-companies.csv")
    output = run_import(FIXTURES / "hubspot-deals.csv")

    def contacts(name):
        return sorted(
            (role.person.email.lower(), role.is_primary)
            for role in DealContact.objects.filter(opportunity__name=name)
        )

    assert contacts("Northwind - Platform") == [
        ("ana.garcia@northwind.example", True),  # "51;52": the first is the one it names
        ("bo.chen@northwind.example", False),
    ]
    assert contacts("Contoso - Renewal") == [("dev.patel@contoso.example", True)]
    assert contacts("Contoso - Expansion") == []
    assert "contact roles" in output

    later = tmp_path / "deals.csv"
    later.write_text(
        "Record ID,Deal Name,Associated Contact IDs\n7001,Northwind - Platform,52\n",
        encoding="utf-8",
    )
    output = run_import(later)

    assert contacts("Northwind - Platform") == [("bo.chen@northwind.example", True)]
    assert Opportunity.objects.get(name="Northwind - Platform").primary_contact.first_name == "Bo"
    assert "1 contact no longer listed on their deal: removed from it" in output


def test_a_deal_naming_a_contact_not_imported_is_refused_with_its_row(db, tmp_path):
    run_import(FIXTURES / "hubspot-contacts.csv")
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "Record ID,Deal Name,Associated Contact IDs\n7009,Fabrikam,51;99\n", encoding="utf-8"
    )

    with pytest.raises(CommandError, match="row 2, column Associated Contact IDs: no person has "
                       "HubSpot id '99'; import the contacts first"):  # fmt: skip
        run_import(deals)
    assert not Opportunity.objects.exists()


def test_importing_the_same_exports_again_changes_nothing(db):
    for name in ("hubspot-contacts", "hubspot-companies", "hubspot-deals"):
        run_import(FIXTURES / f"{name}.csv")
    before = snapshot()

    outputs = [run_import(FIXTURES / f"{n}.csv") for n in ("hubspot-contacts", "hubspot-deals")]

    assert snapshot() == before
    assert "0 created          0 updated          4 unchanged" in outputs[0]
    assert "0 created          0 updated          3 unchanged" in outputs[1]


def test_a_contacts_associated_company_id_names_its_account(db, tmp_path):
    run_import(FIXTURES / "hubspot-companies.csv")
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        '"Record ID","First Name","Email","Associated Company IDs"\n'
        '"61","Kai","kai@gmail.com","9002;9001"\n'
    )

    run_import(contacts)

    assert Person.objects.get(email="kai@gmail.com").account.name == "Contoso"
