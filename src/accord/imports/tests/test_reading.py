"""Files as spreadsheets and CRMs write them: any of the usual encodings and delimiters, dates in
the order of the country they come from, XLSX workbooks; hostile shapes refused before reading."""

import datetime as dt

import pytest
from django.core.management.base import CommandError

from accord.crm.models import Account, Person
from accord.imports.tests.helpers import FIXTURES, run_import, write_csv

HEADER = "Record ID,First Name,Email,Create Date\n"


def test_a_german_excel_file_in_windows_1252_with_semicolons_and_day_first_dates(db):
    output = run_import(FIXTURES / "hubspot-contacts-excel-de.csv")

    assert "read as Windows-1252 CSV, semicolon-separated" in output
    juergen = Person.objects.get(email="juergen.mueller@fabrikam.example")
    assert (juergen.last_name, juergen.title) == ("Müller", "Geschäftsführer")
    assert juergen.created_at == dt.datetime(2023, 2, 3, 14, 5, tzinfo=dt.UTC)
    zoe = Person.objects.get(email="zoe.weiss@fabrikam.example")
    assert (zoe.last_name, zoe.title) == ("Weiß", "Einkauf – Leitung")
    assert zoe.created_at == dt.datetime(2023, 2, 21, 9, tzinfo=dt.UTC)


def test_an_excel_unicode_text_file_is_utf16_and_tab_separated(db):
    output = run_import(FIXTURES / "hubspot-contacts-utf16.txt")

    assert "read as UTF-16 CSV, tab-separated" in output
    assert Person.objects.get().last_name == "山田"


def test_a_uk_salesforce_report_is_day_first_because_one_date_proves_it(db):
    run_import(FIXTURES / "salesforce-lead-report-uk.csv")

    oliver = Person.objects.get(email="oliver.smith@tailspin.example")
    assert oliver.created_at.date() == dt.date(2023, 2, 3)  # 3 February, not 2 March
    amelia = Person.objects.get(email="amelia.jones@tailspin.example")
    assert amelia.created_at.date() == dt.date(2023, 2, 21)


def test_a_column_whose_dates_all_read_both_ways_is_refused_until_the_order_is_given(db, tmp_path):
    path = write_csv(
        tmp_path,
        "c.csv",
        HEADER + "1,Ana,ana@acme.example,03/02/2023\n2,Bo,bo@acme.example,04/05/2023 10:00\n",
    )

    with pytest.raises(CommandError) as refused:
        run_import(path)
    assert "row 2, column Create Date: '03/02/2023' may be 3 February or 2 March" in str(
        refused.value
    )
    assert "--date-format DMY or MDY" in str(refused.value)
    assert not Person.objects.exists()

    run_import(path, "--date-format", "MDY")
    assert Person.objects.get(email="ana@acme.example").created_at.date() == dt.date(2023, 3, 2)
    assert Person.objects.get(email="bo@acme.example").created_at.date() == dt.date(2023, 4, 5)


def test_a_month_first_date_in_a_day_first_column_is_named_not_swapped(db, tmp_path):
    path = write_csv(
        tmp_path,
        "c.csv",
        HEADER + "1,Ana,ana@acme.example,21/02/2023\n2,Bo,bo@acme.example,02/21/2023\n",
    )

    with pytest.raises(CommandError) as refused:
        run_import(path)
    assert (
        "row 3, column Create Date: '02/21/2023' is not a date in day/month/year, the order of "
        "this column"
    ) in str(refused.value)
    assert not Person.objects.exists()


def test_times_without_a_zone_are_read_in_the_zone_given(db, tmp_path):
    path = write_csv(
        tmp_path,
        "c.csv",
        HEADER + "1,Ana,ana@acme.example,2024-07-01 09:00\n2,Bo,bo@acme.example,2024-01-15 09:00\n"
        "3,Cy,cy@acme.example,2024-07-01T09:00:00Z\n",
    )

    run_import(path, "--time-zone", "Europe/London")

    created = dict(Person.objects.values_list("first_name", "created_at"))
    assert created["Ana"] == dt.datetime(2024, 7, 1, 8, tzinfo=dt.UTC)  # summer time
    assert created["Bo"] == dt.datetime(2024, 1, 15, 9, tzinfo=dt.UTC)
    assert created["Cy"] == dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC)  # it said UTC itself


def test_an_unknown_time_zone_is_refused(db, tmp_path):
    path = write_csv(tmp_path, "c.csv", HEADER + "1,Ana,ana@acme.example,2024-07-01 09:00\n")

    with pytest.raises(CommandError, match="'Mars/Base' is not an IANA time zone"):
        run_import(path, "--time-zone", "Mars/Base")


def test_an_xlsx_workbook_is_read_from_its_first_sheet_or_the_sheet_named(db):
    output = run_import(FIXTURES / "hubspot-export.xlsx")

    assert "as HubSpot contacts (read as XLSX sheet 'Contacts')" in output
    ingrid = Person.objects.get(email="ingrid@vasa.example")
    assert (ingrid.last_name, ingrid.created_at) == (
        "Bergström",
        dt.datetime(2024, 3, 4, 9, 15, tzinfo=dt.UTC),
    )
    assert Person.objects.get(email="pal.kovacs@vasa.example").lifecycle_stage == "mql"

    output = run_import(FIXTURES / "hubspot-export.xlsx", "--sheet", "Companies")
    assert "as HubSpot companies" in output
    assert Account.objects.get(domain="vasa.example").employee_count == 75

    with pytest.raises(CommandError, match="has no sheet 'Deals'; its sheets: Contacts, Companies"):
        run_import(FIXTURES / "hubspot-export.xlsx", "--sheet", "Deals")


def test_a_header_over_two_thousand_columns_is_refused_before_any_row(db, tmp_path):
    header = "Record ID,Email," + ",".join(f"x{i}" for i in range(2100)) + "\n"
    path = write_csv(tmp_path, "wide.csv", header + "1,ana@acme.example\n")

    with pytest.raises(CommandError, match="the header row has 2,102 columns; at most 2,000"):
        run_import(path)


def test_a_header_row_longer_than_a_megabyte_is_refused(db, tmp_path):
    path = write_csv(tmp_path, "long.csv", "Record ID,Email," + "x" * (1 << 20) + "\n")

    with pytest.raises(CommandError, match="the header row is longer than 1,048,576 characters"):
        run_import(path)


def test_a_cell_over_a_megabyte_is_refused_naming_its_row(db, tmp_path):
    big = "y" * ((1 << 20) + 10)
    path = write_csv(
        tmp_path, "big.csv", HEADER + "1,Ana,ana@acme.example,\n" + f'2,"{big}",bo@acme.example,\n'
    )

    with pytest.raises(CommandError, match="row 3 is not readable .*field larger than field limit"):
        run_import(path)
    assert not Person.objects.exists()
