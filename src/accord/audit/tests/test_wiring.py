"""Each service that changes an audited value writes its history row, single and bulk alike."""

from decimal import Decimal

import pytest
from tests.factories import OpportunityFactory, PersonFactory, TouchpointFactory

from accord.agreement.defaults import default_document
from accord.agreement.services import do_create_draft, do_rescore_all, do_sign
from accord.audit.models import AuditEntry
from accord.audit.selectors import history_for
from accord.crm.models import LifecycleStage
from accord.crm.services import do_change_lifecycle_stage, do_update_opportunity, do_update_person
from accord.handoff.models import RoutingMember, RoutingRule
from accord.handoff.routing import do_route
from accord.handoff.services import do_reassign
from accord.handoff.terms import SlaTerms
from accord.imports.tests.helpers import run_export, run_import, write_csv

pytestmark = pytest.mark.django_db


def fields_of(record_type, record_id):
    return [(e.field, e.old_value, e.new_value) for e in history_for(record_type, record_id)]


def test_a_stage_move_names_who_moved_it_and_why(rep):
    person = PersonFactory(lifecycle_stage=LifecycleStage.MQL)
    do_change_lifecycle_stage(person, LifecycleStage.SQL, by=rep, reason="converted by rep")

    entry = history_for("person", person.pk).get()
    assert (entry.actor, entry.field, entry.old_value, entry.new_value, entry.reason) == (
        rep,
        "lifecycle_stage",
        "mql",
        "sql",
        "converted by rep",
    )


def test_a_new_owner_is_recorded_with_both_owners(rep, other_rep, sales_head):
    person = PersonFactory(owner=rep)
    do_update_person(person, {"owner": other_rep, "title": "CTO"}, by=sales_head)

    assert fields_of("person", person.pk) == [("owner", str(rep.pk), str(other_rep.pk))]


def test_a_deal_records_its_stage_and_amount_but_not_its_name(rep):
    deal = OpportunityFactory(stage="prospecting", amount=Decimal("1000.00"), owner=rep)
    changes = {"stage": "proposal", "amount": Decimal("2500.50"), "name": "Bigger deal"}
    do_update_opportunity(deal, changes, by=rep)

    assert sorted(fields_of("opportunity", deal.pk)) == [
        ("amount", "1000.00", "2500.50"),
        ("stage", "prospecting", "proposal"),
    ]


PEOPLE_CSV = """Record ID,Email,First Name,Lifecycle Stage
1,ann@acme.test,Ann,lead
2,bob@acme.test,Bob,subscriber
"""


def test_an_import_audits_every_stage_it_sets_naming_the_file(tmp_path):
    run_import(write_csv(tmp_path, "contacts.csv", PEOPLE_CSV))
    changed = PEOPLE_CSV.replace(
        "ann@acme.test,Ann,lead", "ann@acme.test,Ann,marketingqualifiedlead"
    )
    run_import(write_csv(tmp_path, "contacts-2.csv", changed))

    entries = AuditEntry.objects.filter(field="lifecycle_stage").order_by("id")
    assert [(e.old_value, e.new_value, e.reason, e.actor) for e in entries] == [
        ("", "lead", "import contacts.csv", None),
        ("", "subscriber", "import contacts.csv", None),
        ("lead", "mql", "import contacts-2.csv", None),
    ]


DEALS_CSV = """Record ID,Deal Name,Deal Stage,Amount,Create Date
7001,Acme renewal,qualifiedtobuy,1000,2026-01-05
"""


def test_an_import_that_changes_deals_audits_stage_and_amount(tmp_path):
    run_import(write_csv(tmp_path, "deals.csv", DEALS_CSV))
    won = DEALS_CSV.replace("qualifiedtobuy,1000", "Closed Won,1500")
    run_import(write_csv(tmp_path, "deals-2.csv", won))

    changes = AuditEntry.objects.filter(record_type="opportunity", reason="import deals-2.csv")
    assert sorted(changes.values_list("field", "old_value", "new_value")) == [
        ("amount", "1000.00", "1500.00"),
        ("stage", "discovery", "closed_won"),
    ]


def test_every_export_is_audited_with_its_row_count(tmp_path):
    PersonFactory.create_batch(3)
    run_export("people", tmp_path / "people.csv")

    entry = AuditEntry.objects.get(action="exported")
    assert (entry.record_id, entry.new_value) == ("people", "3")
    assert str(tmp_path / "people.csv") in entry.reason


@pytest.fixture
def agreement(marketing_head, sales_head, marketer):
    version = do_create_draft(marketer, default_document())
    do_sign(version, marketing_head)
    return do_sign(version, sales_head)


def test_the_agreement_s_draft_signatures_and_taking_effect_are_audited(
    agreement, marketer, marketing_head, sales_head
):
    entries = history_for("agreement", agreement.pk).order_by("id")
    assert [(e.action, e.actor) for e in entries] == [
        ("created", marketer),
        ("signed", marketing_head),
        ("signed", sales_head),
        ("took_effect", sales_head),
    ]

    second = do_create_draft(marketer, default_document())
    do_sign(second, marketing_head)
    do_sign(second, sales_head)
    assert fields_of("agreement", agreement.pk)[0] == ("status", "in_force", "superseded")


def test_rescoring_audits_each_changed_score_once(agreement):
    person = PersonFactory()
    TouchpointFactory(person=person, kind="form_fill")
    do_rescore_all()
    do_rescore_all()

    scores = AuditEntry.objects.filter(record_id=str(person.pk), field="score")
    assert scores.count() == 1
    assert scores.get().reason == f"agreement v{agreement.number}"


def test_routing_and_reassigning_record_the_owner(
    agreement, sales_team, rep, other_rep, sales_head
):
    rule = RoutingRule.objects.create(position=1, kind="round_robin", team=sales_team)
    RoutingMember.objects.create(rule=rule, user=rep)
    terms = SlaTerms(first_touch_hours=4, decision_days=2, recycle_to={}, agreement_version=1)
    person = PersonFactory(lifecycle_stage=LifecycleStage.MQL)

    handoff = do_route(person, terms)
    do_reassign(handoff, sales_head, other_rep)

    owners = [(e.actor, e.old_value, e.new_value) for e in history_for("person", person.pk)]
    assert owners == [(sales_head, str(rep.pk), str(other_rep.pk)), (None, "", str(rep.pk))]
