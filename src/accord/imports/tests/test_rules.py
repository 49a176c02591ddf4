import pytest
from django.core.management.base import CommandError

from accord.crm.models import LifecycleStage, Person
from accord.imports.tests.helpers import FIXTURES, run_import, snapshot, write_csv

HEADER = "Record ID,First Name,Last Name,Email,Job Title,Lifecycle Stage,Create Date\n"


def test_a_blank_cell_never_overwrites_a_value(db, tmp_path):
    run_import(write_csv(tmp_path, "a.csv", HEADER + "1,Ana,García,ana@acme.example,CMO,lead,\n"))

    run_import(write_csv(tmp_path, "b.csv", HEADER + "1,,Garcia-Lopez,ana@acme.example,,mql,\n"))

    ana = Person.objects.get()
    assert (ana.first_name, ana.last_name, ana.title) == ("Ana", "Garcia-Lopez", "CMO")
    assert ana.lifecycle_stage == LifecycleStage.MQL


def test_the_source_id_finds_a_person_whose_email_changed(db, tmp_path):
    run_import(write_csv(tmp_path, "a.csv", HEADER + "77,Ana,García,ana@acme.example,,lead,\n"))

    run_import(write_csv(tmp_path, "b.csv", HEADER + "77,,,ana.garcia@acme.example,,,\n"))

    assert Person.objects.get().email == "ana.garcia@acme.example"


def test_a_file_with_bad_rows_is_refused_whole_listing_every_bad_row(db, tmp_path):
    run_import(FIXTURES / "hubspot-contacts.csv")
    before = snapshot()
    path = write_csv(
        tmp_path,
        "contacts.csv",
        HEADER
        + "1,New,Person,new.person@acme.example,,lead,2024-01-02\n"
        + "2,Bad,Mail,not-an-email,,lead,2024-01-02\n"
        + "3,Bad,Date,bad.date@acme.example,,lead,2024-02-30\n"
        + "4,Bad,Stage,bad.stage@acme.example,,hot prospect,2024-01-02\n"
        + ",No,Mail,,,lead,\n"
        + "6,Fine,Person,bo.chen@northwind.example,,customer,\n",
    )

    with pytest.raises(CommandError) as refused:
        run_import(path)

    message = str(refused.value)
    assert "4 problems; nothing was written" in message
    assert "row 3, column Email: 'not-an-email' is not an e-mail address" in message
    assert "row 4, column Create Date: '2024-02-30' is not a date" in message
    assert "row 5, column Lifecycle Stage: unknown lifecycle stage 'hot prospect'" in message
    assert "row 6, column Email: is blank" in message
    assert snapshot() == before


def test_a_deal_stage_nobody_knows_refuses_the_deal_file(db, tmp_path):
    path = write_csv(
        tmp_path,
        "deals.csv",
        "Record ID,Deal Name,Deal Stage,Amount\n"
        "1,Big deal,maybe later,100\n"
        "2,Other,closedwon,1e3x\n",
    )

    with pytest.raises(CommandError) as refused:
        run_import(path)

    assert "row 2, column Deal Stage: unknown deal stage 'maybe later'" in str(refused.value)
    assert "row 3, column Amount: '1e3x' is not an amount" in str(refused.value)


def test_bom_crlf_unicode_and_quoted_commas(db, tmp_path):
    text = (
        HEADER
        + '1,"Zoë","Østergård, Jr.",zoe@ørsted.example,"Head of Growth, EMEA",lead,2024-01-02\n'
        + '2,"José","""Pepe"" Núñez",jose@acme.example,"Line one\nline two",lead,\n'
    )
    path = write_csv(tmp_path, "contacts.csv", text, bom=True, crlf=True)

    output = run_import(path)

    assert "2 created" in output
    zoe = Person.objects.get(first_name="Zoë")
    assert (zoe.last_name, zoe.title) == ("Østergård, Jr.", "Head of Growth, EMEA")
    jose = Person.objects.get(email="jose@acme.example")
    assert jose.last_name == '"Pepe" Núñez'
    assert jose.title == "Line one\r\nline two"


def test_a_utf8_file_without_bom_and_with_unix_newlines(db, tmp_path):
    run_import(write_csv(tmp_path, "c.csv", HEADER + "1,Åsa,Lindqvist,asa@acme.example,,lead,\n"))

    assert Person.objects.get().first_name == "Åsa"


def test_a_file_nobody_exported_is_refused(db, tmp_path):
    path = write_csv(tmp_path, "x.csv", "foo,bar\n1,2\n")

    with pytest.raises(CommandError, match="does not look like a HubSpot, Salesforce"):
        run_import(path)


def test_dry_run_reports_what_would_change_and_writes_nothing(db, tmp_path):
    run_import(FIXTURES / "hubspot-contacts.csv")
    before = snapshot()
    path = write_csv(
        tmp_path,
        "contacts.csv",
        HEADER
        + "51,Ana,García,ana.garcia@northwind.example,VP Marketing,Marketing Qualified Lead,"
        + "2024-03-04 09:15\n"
        + "52,Bo,Chen,bo.chen@northwind.example,Staff Engineer,,\n"
        + "99,New,Person,new@fresh.example,,,\n",
    )

    output = run_import(path, "--dry-run")

    assert "Would import contacts.csv as HubSpot contacts" in output
    assert "people                 1 created          1 updated          1 unchanged" in output
    assert "accounts               1 created" in output
    assert "Dry run: nothing was written." in output
    assert snapshot() == before


def test_rows_for_one_email_in_one_file_make_one_person(db, tmp_path):
    path = write_csv(
        tmp_path,
        "c.csv",
        HEADER + "1,Ana,,ana@acme.example,,lead,\n2,,García,ANA@acme.example,CMO,,\n",
    )

    run_import(path)

    ana = Person.objects.get()
    assert (ana.first_name, ana.last_name, ana.title) == ("Ana", "García", "CMO")


def test_a_file_with_many_bad_rows_counts_them_all_and_lists_the_first_hundred(db, tmp_path):
    rows = "".join(f"{i},X,Y,bad{i}-at-example,,lead,\n" for i in range(150))
    path = write_csv(tmp_path, "contacts.csv", HEADER + rows)

    with pytest.raises(CommandError) as refused:
        run_import(path)

    message = str(refused.value)
    assert "150 problems; nothing was written" in message
    assert "row 101, column Email: 'bad99-at-example' is not an e-mail address" in message
    assert "row 102, column Email" not in message
    assert "... and 50 more" in message
    assert not Person.objects.exists()
