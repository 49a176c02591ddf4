"""Rows as CRMs have them: contacts without an e-mail, report footers, 15- and 18-character
Salesforce ids, and one person written twice in one file."""

import pytest
from django.core.management.base import CommandError

from accord.crm.models import Account, Person, SourceRecord
from accord.imports.formats.salesforce import salesforce_id
from accord.imports.tests.helpers import FIXTURES, run_import, write_csv


def test_a_hubspot_contact_without_an_email_is_imported_and_found_again_by_its_record_id(
    db, tmp_path
):
    output = run_import(FIXTURES / "hubspot-contacts-some-without-email.csv")

    assert "3 created" in output
    ivo = Person.objects.get(first_name="Ivo")
    assert (ivo.email, ivo.phone, ivo.account) == ("", "+420 555 0100", None)
    assert SourceRecord.objects.get(system="hubspot", external_id="62").object_id == ivo.pk
    assert Person.objects.filter(email="").count() == 2

    later = "Record ID,Email,Job Title\n62,ivo.novak@contoso.example,Buyer\n63,,Owner\n"
    output = run_import(write_csv(tmp_path, "later.csv", later))

    assert "0 created          2 updated" in output
    ivo.refresh_from_db()
    assert (ivo.email, ivo.title) == ("ivo.novak@contoso.example", "Buyer")
    assert Person.objects.get(first_name="Jon").title == "Owner"


def test_a_row_with_neither_email_nor_record_id_is_still_refused(db, tmp_path):
    path = write_csv(
        tmp_path, "c.csv", "Record ID,First Name,Email\n1,Ana,ana@acme.example\n,Bo,\n"
    )

    with pytest.raises(CommandError, match="row 3, column Email: is blank"):
        run_import(path)
    assert not Person.objects.exists()


def test_a_salesforce_report_footer_is_skipped_and_said_not_an_error(db):
    run_import(FIXTURES / "salesforce-accounts.csv")

    output = run_import(FIXTURES / "salesforce-contact-report-footer.csv")

    assert "Salesforce contact report" in output and "2 created" in output
    assert "rows 5 to 8 skipped: the report's footer (Grand Totals (2 records))" in output
    assert Person.objects.count() == 2


def test_a_report_footer_is_skipped_by_the_column_reader_too(db, tmp_path):
    text = (
        "Record ID,First Name,Email\n1,Ana,ana@acme.example\n2,Bo,bo@acme.example\n"
        "Grand Totals (2 records)\n© 2024 Example Corp\n"
    )
    output = run_import(write_csv(tmp_path, "c.csv", text))

    assert "rows 4 to 5 skipped: the report's footer (Grand Totals (2 records))" in output
    assert Person.objects.count() == 2


def test_a_footer_like_line_among_the_rows_is_not_skipped(db, tmp_path):
    text = "Record ID,First Name,Email\nTotal,,\n2,Bo,bo@acme.example\n"

    run_import(write_csv(tmp_path, "c.csv", text))

    # "Total" is a Record ID here, in the middle of the file: a contact without an e-mail.
    assert SourceRecord.objects.filter(external_id="Total").exists()


def test_15_and_18_character_salesforce_ids_are_one_id_and_18_are_stored(db, tmp_path):
    assert salesforce_id("a0D30000001n7Pi") == "a0D30000001n7PiEAI"
    assert salesforce_id("0010g00001Z54O9") == "0010g00001Z54O9AAJ"
    run_import(FIXTURES / "salesforce-accounts.csv")  # Data Loader: 18 characters

    run_import(FIXTURES / "salesforce-contact-report-footer.csv")  # a report: 15 characters

    olivia = Person.objects.get(email="olivia.brown@tailspin.example")
    assert olivia.account == Account.objects.get(name="Tailspin Toys")
    ids = SourceRecord.objects.filter(object_type="person").values_list("external_id", flat=True)
    assert sorted(ids) == [salesforce_id("0035g00000PqRsT"), salesforce_id("0035g00000PqRsU")]

    loader = (
        "Id,AccountId,FirstName,LastName,Email\n"
        f"{salesforce_id('0035g00000PqRsT')},0015g00000XyZbAAAV,Olivia,Brown-Lee,"
        "olivia.b@tailspin.example\n"
    )
    output = run_import(write_csv(tmp_path, "contacts.csv", loader))

    assert "0 created          1 updated" in output
    olivia.refresh_from_db()
    assert (olivia.last_name, olivia.email) == ("Brown-Lee", "olivia.b@tailspin.example")


def test_a_salesforce_id_that_is_not_one_is_named(db, tmp_path):
    path = write_csv(tmp_path, "c.csv", "Contact ID,Account ID,Email\n0035g000,,a@acme.example\n")

    with pytest.raises(
        CommandError, match="row 2, column Contact ID: '0035g000' is not a Salesforce"
    ):
        run_import(path)


def test_rows_with_one_email_in_two_cases_are_one_person_with_both_ids_and_the_merge_said(
    db,
):
    output = run_import(FIXTURES / "hubspot-contacts-same-email.csv", "--dry-run")
    assert "rows 2 and 3: one person, Dup.Case@Acme.example" in output
    assert "2 created" in output

    run_import(FIXTURES / "hubspot-contacts-same-email.csv")

    dana = Person.objects.get(email__iexact="dup.case@acme.example")
    assert dana.lifecycle_stage == "mql"
    ids = SourceRecord.objects.filter(object_id=dana.pk, object_type="person")
    assert sorted(ids.values_list("external_id", flat=True)) == ["71", "72"]
