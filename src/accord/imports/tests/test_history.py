"""History as the CRM kept it: HubSpot's "Became a … Date" columns and a Salesforce lead's
CreatedDate and ConvertedDate date each stage, so the funnel and velocity read true after a move;
`accord export lifecycle` writes the whole history back out."""

import csv
import datetime as dt

from accord.crm.models import LifecycleChange, Person
from accord.imports.mappings import do_set_mapping
from accord.imports.tests.helpers import FIXTURES, run_export, run_import

CONTACTS = FIXTURES / "hubspot-contacts-owners-history.csv"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def moves(email: str) -> list[tuple]:
    person = Person.objects.get(email=email)
    return [
        (c.from_stage, c.to_stage, c.changed_at)
        for c in person.lifecycle_changes.order_by("changed_at", "id")
    ]


def _map_the_custom_values():
    for kind, value, accord in (
        ("lifecycle_stage", "Product Qualified Lead", "mql"),
        ("lifecycle_stage", "Demo Requested", "sql"),
        ("lead_status", "Nurture - Q3", "Bad timing"),
        ("source", "Partner Webinars", "events"),
        ("owner", "Olga Former", "unassigned"),
    ):
        do_set_mapping(kind, value, accord)


def test_each_became_a_date_dates_its_stage_in_order_then_the_stage_now(db, rep, other_rep):
    _map_the_custom_values()
    run_import(CONTACTS)

    assert moves("ben.ode@acme.example") == [
        ("", "lead", at(2023, 11, 20, 10, 30)),
        ("lead", "mql", at(2023, 12, 1, 14)),
        ("mql", "sql", at(2024, 1, 15, 16, 45)),
        ("sql", "customer", at(2024, 2, 28, 11)),
    ]
    # A lead since 2 January, made an MQL (its custom stage) by the import: that move is today's.
    ana = moves("ana.lima@acme.example")
    assert ana[0] == ("", "lead", at(2024, 1, 2, 9))
    assert ana[1][:2] == ("lead", "mql") and ana[1][2] > at(2026, 1, 1)
    assert len(moves("dev.rao@acme.example")) == 1  # a lead since the date the file gives


def test_a_reimport_adds_no_history(db, rep, other_rep):
    _map_the_custom_values()
    run_import(CONTACTS)
    before = LifecycleChange.objects.count()

    run_import(CONTACTS)

    assert LifecycleChange.objects.count() == before


def test_a_salesforce_lead_is_a_lead_from_its_created_date_and_sql_from_its_converted_date(
    db, tmp_path
):
    leads = tmp_path / "leads.csv"
    leads.write_text(
        '"Id","FirstName","LastName","Company","Email","Status","CreatedDate","ConvertedDate"\n'
        '"00Q5g00000AbCdEEAV","Emma","Schmidt","Fabrikam","emma@fabrikam.example",'
        '"Closed - Converted","2024-01-05T09:00:00.000Z","2024-02-10T15:30:00.000Z"\n'
    )

    run_import(leads)

    assert moves("emma@fabrikam.example") == [
        ("", "lead", at(2024, 1, 5, 9)),
        ("lead", "sql", at(2024, 2, 10, 15, 30)),
    ]


def test_the_lifecycle_export_writes_every_move_formula_safe(db, rep, other_rep, tmp_path):
    _map_the_custom_values()
    run_import(CONTACTS)
    person = Person.objects.get(email="dev.rao@acme.example")
    LifecycleChange.objects.filter(person=person).update(reason="=HYPERLINK(1)")

    out = tmp_path / "lifecycle.csv"
    assert "Exported" in run_export("lifecycle", out)

    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["email", "from_stage", "to_stage", "at", "reason"]
    assert len(rows) == LifecycleChange.objects.count()
    ben = [r for r in rows if r["email"] == "ben.ode@acme.example"]
    assert [(r["from_stage"], r["to_stage"]) for r in ben][-1] == ("sql", "customer")
    assert ben[0]["at"] == "2023-11-20T10:30:00+00:00"
    assert [r["reason"] for r in rows if r["email"] == "dev.rao@acme.example"] == ["'=HYPERLINK(1)"]
