"""Values that are not Accord's: listed with their counts, mapped once (command line or admin)
for this and every later import, or imported as other when asked."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accord.audit.models import AuditEntry
from accord.crm.models import Opportunity, Person
from accord.imports.tests.helpers import FIXTURES, run_import

CONTACTS = FIXTURES / "hubspot-contacts-custom-stages.csv"


def mappings(*args) -> str:
    out = StringIO()
    call_command("mappings", *args, stdout=out)
    return out.getvalue()


def test_unknown_stages_are_listed_once_each_with_their_count_and_nothing_is_written(db):
    with pytest.raises(CommandError) as refused:
        run_import(CONTACTS, "--dry-run")

    message = str(refused.value)
    assert "2 problems" in message
    assert (
        "row 2, column Lifecycle Stage: unknown lifecycle stage 'Product Qualified Lead' in 2 "
        "rows (2, 4): map it on the imports page or with accord mappings set lifecycle_stage "
        '"Product Qualified Lead" VALUE or import it as other with --map-unknown=other'
    ) in message
    assert "unknown lifecycle stage 'Trial User' in 1 row (5)" in message
    assert not Person.objects.exists()


def test_a_mapping_set_once_serves_this_and_every_later_import(db):
    assert "lifecycle_stage 'Product Qualified Lead' -> mql" in mappings(
        "set", "lifecycle_stage", "Product Qualified Lead", "mql"
    )
    mappings("set", "lifecycle_stage", "Trial User", "lead")

    run_import(CONTACTS)

    assert Person.objects.get(email="ana.lima@acme.example").lifecycle_stage == "mql"
    assert Person.objects.get(email="cleo.park@acme.example").lifecycle_stage == "mql"
    assert Person.objects.get(email="dev.rao@acme.example").lifecycle_stage == "lead"
    listed = mappings("list")
    assert "'Product Qualified Lead'" in listed and "'Trial User'" in listed
    entry = AuditEntry.objects.get(record_type="value_mapping", new_value="lead")
    assert "Trial User" in entry.reason


def test_a_mapping_to_a_value_accord_does_not_have_is_refused(db):
    with pytest.raises(CommandError, match="'hot' is not an Accord lifecycle_stage; one of: "):
        mappings("set", "lifecycle_stage", "Product Qualified Lead", "hot")


def test_map_unknown_other_imports_them_as_other_and_says_how_many(db):
    output = run_import(CONTACTS, "--map-unknown=other")

    assert "Lifecycle Stage 'Product Qualified Lead' imported as other in 2 rows" in output
    assert "Lifecycle Stage 'Trial User' imported as other in 1 rows" in output
    assert Person.objects.filter(lifecycle_stage="other").count() == 3


def test_a_deal_stage_of_another_pipeline_needs_a_mapping_then_imports(db):
    unknown = "unknown deal stage 'Demo Booked' in pipeline 'Partner pipeline' in 1 row"
    with pytest.raises(CommandError, match=unknown):
        run_import(FIXTURES / "hubspot-deals-custom-stage.csv")
    assert not Opportunity.objects.exists()

    mappings("set", "deal_stage", "Demo Booked", "discovery")  # in every pipeline
    run_import(FIXTURES / "hubspot-deals-custom-stage.csv")

    assert Opportunity.objects.get(name="Acme - Pilot").stage == "discovery"
