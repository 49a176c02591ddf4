"""Invariants over generated files: import twice = import once; export then import = identity;
every formula-like cell is neutralised."""

import csv
import io
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.crm.models import Account, LifecycleChange, LifecycleStage, Person, SourceRecord
from accord.csvsafe import neutralise
from accord.imports.engine import FORMULA_START
from accord.imports.services import write_export
from accord.imports.tests.helpers import run_import, snapshot

SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADER = [
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Job Title",
    "Lifecycle Stage",
    "Company Name",
    "Create Date",
]
# Cells as people type them: any printable text, commas, quotes, accents, formula characters.
cell = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + " ,\"'=+-@;éøßü中"),
    max_size=12,
).map(str.strip)
contact = st.fixed_dictionaries(
    {
        "id": st.integers(1, 40),
        "first": cell,
        "last": cell,
        "email": st.sampled_from(["ana", "Ana", "bo", "chloe", "dev", "EVE"]).flatmap(
            lambda local: st.sampled_from(["acme.example", "Acme.Example", "gmail.com"]).map(
                lambda domain: f"{local}.{{}}@{domain}"
            )
        ),
        "stage": st.sampled_from(["", "lead", "Marketing Qualified Lead", "customer"]),
        "company": cell,
        "created": st.sampled_from(["", "2024-01-02 03:04", "2023-12-31"]),
    }
)


def _contacts_file(path, contacts):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for c in contacts:
            # One HubSpot record id, one address (in any case): as an export is.
            writer.writerow(
                [
                    c["id"],
                    c["first"],
                    c["last"],
                    c["email"].format(c["id"]),
                    "",
                    c["stage"],
                    c["company"],
                    c["created"],
                ]
            )


def _clear():
    LifecycleChange.objects.all().delete()
    SourceRecord.objects.all().delete()
    Person.objects.all().delete()
    Account.objects.all().delete()


@SETTINGS
@given(contacts=st.lists(contact, max_size=8, unique_by=lambda c: c["id"]))
def test_importing_a_file_twice_equals_importing_it_once(db, tmp_path, contacts):
    _clear()
    path = tmp_path / "contacts.csv"
    _contacts_file(path, contacts)
    run_import(path)
    once = snapshot()

    output = run_import(path)

    assert snapshot() == once
    assert " 0 created          0 updated" in output


@SETTINGS
@given(
    people=st.lists(
        st.tuples(cell, cell, cell, st.sampled_from(LifecycleStage.values)),
        max_size=6,
    )
)
def test_export_then_import_is_the_identity(db, tmp_path, people):
    _clear()
    account = Account.objects.create(name="Acme, Inc.", domain="acme.example")
    for i, (first, last, title, stage) in enumerate(people):
        Person.objects.create(
            email=f"p{i}@acme.example",
            first_name=first,
            last_name=last,
            title=title,
            lifecycle_stage=stage,
            account=account,
        )
    before = snapshot()
    for kind in ("accounts", "people"):
        with (tmp_path / f"{kind}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            write_export(kind, handle)
    _clear()

    run_import(tmp_path / "accounts.csv")
    run_import(tmp_path / "people.csv")

    assert {k: v for k, v in snapshot().items() if k != "history"} == {
        k: v for k, v in before.items() if k != "history"
    }


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_every_formula_like_cell_is_neutralised_on_export(value):
    out = io.StringIO()
    csv.writer(out).writerow([neutralise(value)])
    (written,) = next(csv.reader(io.StringIO(out.getvalue(), newline="")))

    if value.startswith(FORMULA_START):
        assert written == "'" + value
    assert not written.startswith(FORMULA_START)
