import csv

from accord.crm.models import Account, LifecycleStage, Opportunity, Person, PipelineStage
from accord.imports.tests.helpers import FIXTURES, run_export, run_import, snapshot
from accord.touchpoints.models import Campaign, Channel, Touchpoint


def _rows(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cells_a_spreadsheet_would_run_are_written_with_a_leading_apostrophe(db, tmp_path):
    account = Account.objects.create(name='=HYPERLINK("http://evil.example")', domain="x.example")
    Person.objects.create(
        email="mallory@x.example",
        first_name="+SUM(A1:A9)",
        last_name="-2+3",
        title="@cmd",
        phone="\tTAB",
        lead_status="\rCR",
        original_source="'quoted",
        account=account,
    )

    run_export("people", tmp_path / "people.csv")

    (row,) = _rows(tmp_path / "people.csv")
    assert row["First Name"] == "'+SUM(A1:A9)"
    assert row["Last Name"] == "'-2+3"
    assert row["Job Title"] == "'@cmd"
    assert row["Phone Number"] == "'\tTAB"
    assert row["Lead Status"] == "'\rCR"
    assert row["Original Source"] == "''quoted"
    assert row["Company Name"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Email"] == "mallory@x.example"


def test_exported_people_import_back_unchanged(db, tmp_path):
    Person.objects.create(email="mallory@x.example", first_name="=1+1", last_name="'O'Neil")
    run_export("people", tmp_path / "people.csv")

    output = run_import(tmp_path / "people.csv")

    assert "0 created          0 updated          1 unchanged" in output
    person = Person.objects.get()
    assert (person.first_name, person.last_name) == ("=1+1", "'O'Neil")


def test_a_whole_database_survives_export_and_import_into_an_empty_one(db, tmp_path):
    for name in (
        "hubspot-contacts",
        "hubspot-companies",
        "hubspot-deals",
        "salesforce-accounts",
        "salesforce-leads",
        "salesforce-opportunities",
    ):
        run_import(FIXTURES / f"{name}.csv")
    person = Person.objects.get(email="ana.garcia@northwind.example")
    campaign = Campaign.objects.create(name="Spring, 2024", channel=Channel.PAID_SEARCH)
    Touchpoint.objects.create(
        person=person,
        campaign=campaign,
        channel=Channel.PAID_SEARCH,
        kind=Touchpoint.Kind.AD_CLICK,
        utm_source="google",
        page="/pricing",
    )
    before = snapshot()
    kinds = ("accounts", "people", "opportunities", "touchpoints")
    for kind in kinds:
        run_export(kind, tmp_path / f"{kind}.csv")
    for model in (Touchpoint, Campaign, Opportunity, Person, Account):
        model.objects.all().delete()
    from accord.crm.models import LifecycleChange, SourceRecord

    LifecycleChange.objects.all().delete()
    SourceRecord.objects.all().delete()

    for kind in kinds:
        run_import(tmp_path / f"{kind}.csv")

    after = snapshot()
    assert {k: v for k, v in after.items() if k != "history"} == {
        k: v for k, v in before.items() if k != "history"
    }
    assert Opportunity.objects.get(name="Northwind - Platform").stage == PipelineStage.DISCOVERY
    assert Person.objects.get(email="ana.garcia@northwind.example").lifecycle_stage == (
        LifecycleStage.MQL
    )
