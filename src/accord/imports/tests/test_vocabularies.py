"""Lead statuses, sources, deal stages per pipeline and owners a CRM writes: Accord's own values
are read as they are, the rest listed once each and mapped (the mapping kept for every import)."""

import pytest
from django.core.management.base import CommandError

from accord.crm.models import Account, Opportunity, Person
from accord.imports.mappings import best_guess, do_set_mapping, translate
from accord.imports.tests.helpers import FIXTURES, run_import
from accord.imports.tests.test_mappings import mappings

CONTACTS = FIXTURES / "hubspot-contacts-owners-history.csv"
DEALS = FIXTURES / "hubspot-deals-pipelines-owners.csv"


def test_every_value_no_mapping_names_is_listed_by_kind_and_the_file_refused(db, rep, other_rep):
    with pytest.raises(CommandError) as refused:
        run_import(CONTACTS, "--dry-run")

    message = str(refused.value)
    assert "5 problems" in message
    assert (
        "column Lifecycle Stage: unknown lifecycle stage 'Product Qualified Lead' in 1" in message
    )
    assert (
        "column Lifecycle Stage: unknown lifecycle stage 'Demo Requested' in 1 row (4)" in message
    )
    assert "column Lead Status: unknown lead status 'Nurture - Q3' in 1 row (4)" in message
    assert "column Original Source: unknown source 'Partner Webinars' in 1 row (3)" in message
    assert "column Contact owner: unknown owner 'Olga Former' in 1 row (4)" in message
    assert not Person.objects.exists()


def test_owners_are_found_by_full_name_or_email_and_an_unknown_one_mapped_to_nobody(
    db, rep, other_rep
):
    mappings("set", "lifecycle_stage", "Product Qualified Lead", "mql")
    mappings("set", "lifecycle_stage", "Demo Requested", "sql")
    mappings("set", "lead_status", "Nurture - Q3", "Bad timing")
    mappings("set", "source", "Partner Webinars", "events")
    mappings("set", "owner", "Olga Former", "unassigned")

    run_import(CONTACTS)

    ana, ben, cleo, dev = Person.objects.order_by("email")
    assert ana.owner == rep  # "Ray Rep", by full name
    assert ben.owner == other_rep  # by e-mail
    assert cleo.owner is None and dev.owner is None
    assert (cleo.lifecycle_stage, cleo.lead_status, cleo.original_source) == (
        "sql",
        "Bad timing",
        "paid_search",
    )
    assert ben.original_source == "events" and dev.original_source == "direct"


def test_an_owner_mapped_to_a_user_owns_the_records_of_every_later_import(db, rep, other_rep):
    mappings("set", "owner", "Olga Former", "rep1@demo.accord")
    mappings("set", "deal_stage", "Demo Booked", "discovery", "--pipeline", "Partner pipeline")
    mappings("set", "deal_stage", "Demo Booked", "proposal", "--pipeline", "Renewals")

    run_import(DEALS)

    pilot, seats, renewal = Opportunity.objects.order_by("name")
    assert (pilot.stage, pilot.owner) == ("discovery", rep)
    assert (seats.stage, seats.owner) == ("closed_won", other_rep)
    assert (renewal.stage, renewal.owner) == ("proposal", rep)  # "Olga Former", as mapped


def test_a_deal_stage_is_mapped_within_its_pipeline(db, rep, other_rep):
    mappings("set", "owner", "Olga Former", "unassigned")
    mappings("set", "deal_stage", "Demo Booked", "discovery", "--pipeline", "Partner pipeline")

    with pytest.raises(CommandError) as refused:
        run_import(DEALS)

    assert "unknown deal stage 'Demo Booked' in pipeline 'Renewals' in 1 row (4)" in str(
        refused.value
    )
    assert '--pipeline "Renewals"' in str(refused.value)
    assert "Partner pipeline" not in str(refused.value)
    assert not Opportunity.objects.exists()


def test_a_mapping_to_nobody_clears_an_owner_and_a_company_owner_is_the_accounts(db, tmp_path, rep):
    account = Account.objects.create(name="Acme", domain="acme.example", owner=rep)
    companies = tmp_path / "companies.csv"
    companies.write_text(
        '"Record ID","Company name","Company Domain Name","Company owner"\n'
        '"31","Acme","acme.example","Gone Person"\n'
        '"32","Initech","initech.example","Ray Rep"\n'
    )
    do_set_mapping("owner", "Gone Person", "unassigned")

    run_import(companies)

    account.refresh_from_db()
    assert account.owner is None
    assert Account.objects.get(domain="initech.example").owner == rep


def test_an_owner_mapping_names_a_user_or_nobody(db, rep):
    with pytest.raises(CommandError, match="no Accord user has the e-mail 'ghost@x.example'"):
        mappings("set", "owner", "005Hs00000AbCdE", "ghost@x.example")
    assert "'005Hs00000AbCdE' -> rep1@demo.accord" in mappings(
        "set", "owner", "005Hs00000AbCdE", "REP1@demo.accord"
    )


def test_other_apps_translate_a_crms_values_through_the_same_mappings(db, rep):
    do_set_mapping("deal_stage", "Demo Booked", "discovery", pipeline="Partner pipeline")

    assert translate("lifecycle_stage", "Marketing Qualified Lead") == "mql"
    assert translate("deal_stage", "Demo Booked", "Partner pipeline") == "discovery"
    assert translate("deal_stage", "Demo Booked", "Renewals") is None
    assert translate("owner", "Ray Rep") == "rep1@demo.accord"
    assert translate("source", "Trade Show") == "events"
    assert translate("owner", "Nobody Known") is None


@pytest.mark.parametrize(
    ("kind", "value", "guess"),
    [
        ("lifecycle_stage", "Product Qualified Lead", "mql"),
        ("lifecycle_stage", "Paying Customer", "customer"),
        ("lifecycle_stage", "Zebra", "other"),
        ("deal_stage", "Demo Booked", "discovery"),
        ("deal_stage", "Contract Out", "negotiation"),
        ("lead_status", "Attempted To Contact (2)", "Attempted to contact"),
        ("source", "Partner Webinars", "events"),
        ("owner", "Ray  Repp", "rep1@demo.accord"),
        ("owner", "005Hs00000AbCdE", "unassigned"),
    ],
)
def test_a_best_guess_is_offered_for_each_unknown_value(db, rep, kind, value, guess):
    assert best_guess(kind, value) == guess
