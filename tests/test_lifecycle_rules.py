"""A stage changed by hand follows the funnel on every path (the API, the admin, an import): a
lead with sales moves on only from the inbox, sales' stages are sales' to set, nobody goes back
down."""

import pytest
from django.core.management.base import CommandError
from django.urls import reverse

from accord.crm.models import LifecycleChange, LifecycleStage, Person
from accord.handoff.models import RoutingMember, RoutingRule
from accord.handoff.routing import do_route
from accord.handoff.selectors import terms_in_force
from accord.handoff.services import HandoffRefused, do_accept
from accord.imports.tests.helpers import run_import, write_csv
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_off(agreement_in_force, sales_team, rep):
    """An MQL in the rep's inbox."""
    rule = RoutingRule.objects.create(position=10, team=sales_team)
    RoutingMember.objects.create(rule=rule, user=rep)
    return do_route(PersonFactory(lifecycle_stage=LifecycleStage.MQL), terms_in_force())


def stage(person) -> str:
    return Person.objects.get(pk=person.pk).lifecycle_stage


def refusal(response) -> str:
    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "lifecycle_stage"
    return error["msg"]


def test_a_marketer_may_not_make_a_lead_in_a_reps_inbox_a_customer(
    handed_off, api_as, marketer, rep
):
    person = handed_off.person

    response = api_as(marketer).patch(f"/people/{person.pk}", {"lifecycle_stage": "customer"})

    assert "moves on when sales accepts, rejects or converts it in the inbox" in refusal(response)
    assert stage(person) == LifecycleStage.MQL
    do_accept(handed_off, rep)
    assert stage(person) == LifecycleStage.SAL


def test_an_accepted_lead_is_not_moved_by_hand_either(handed_off, api_as, marketer, rep):
    do_accept(handed_off, rep)

    response = api_as(marketer).patch(
        f"/people/{handed_off.person.pk}", {"lifecycle_stage": "customer"}
    )

    assert "sales accepted lead waiting on sales" in refusal(response)
    assert stage(handed_off.person) == LifecycleStage.SAL


def test_a_rep_may_not_move_an_mql_waiting_in_the_pool(api_as, rep):
    waiting = PersonFactory(lifecycle_stage=LifecycleStage.MQL)

    response = api_as(rep).patch(f"/people/{waiting.pk}", {"lifecycle_stage": "customer"})

    assert "in the pool or a rep's inbox" in refusal(response)
    assert stage(waiting) == LifecycleStage.MQL


@pytest.mark.parametrize("to", ["sal", "sql"])
def test_sales_stages_are_set_only_from_the_inbox(api_as, sales_head, to):
    lead = PersonFactory(lifecycle_stage=LifecycleStage.LEAD)

    changed = api_as(sales_head).patch(f"/people/{lead.pk}", {"lifecycle_stage": to})
    created = api_as(sales_head).post("/people", {"email": "new@x.example", "lifecycle_stage": to})

    assert "accepting or converting it in the inbox" in refusal(changed)
    assert "accepting or converting it in the inbox" in refusal(created)
    assert stage(lead) == LifecycleStage.LEAD
    assert not Person.objects.filter(email="new@x.example").exists()


def test_nobody_goes_back_down_the_funnel(api_as, marketer):
    customer = PersonFactory(lifecycle_stage=LifecycleStage.CUSTOMER)

    response = api_as(marketer).patch(f"/people/{customer.pk}", {"lifecycle_stage": "lead"})

    assert "move forward through the funnel" in refusal(response)
    assert stage(customer) == LifecycleStage.CUSTOMER


@pytest.mark.parametrize(
    ("was", "to"),
    [("lead", "customer"), ("sql", "opportunity"), ("customer", "disqualified"), ("other", "lead")],
)
def test_moves_the_funnel_allows_are_made_and_kept(api_as, sales_head, was, to):
    person = PersonFactory(lifecycle_stage=was)

    response = api_as(sales_head).patch(f"/people/{person.pk}", {"lifecycle_stage": to})

    assert response.status_code == 200, response.content
    assert stage(person) == to
    assert LifecycleChange.objects.filter(person=person, from_stage=was, to_stage=to).exists()


def contacts(tmp_path, *rows: tuple[str, str]):
    """A HubSpot contacts export: (e-mail, lifecycle stage) a row."""
    lines = [f"{i},{email},{stage}" for i, (email, stage) in enumerate(rows, start=1)]
    return write_csv(
        tmp_path, "contacts.csv", "Record ID,Email,Lifecycle Stage\n" + "\n".join(lines)
    )


def test_an_import_may_not_move_a_lead_with_sales_or_back_down_and_names_each_row(
    handed_off, tmp_path
):
    customer = PersonFactory(lifecycle_stage=LifecycleStage.CUSTOMER)
    lead = PersonFactory(lifecycle_stage=LifecycleStage.LEAD)
    path = contacts(
        tmp_path,
        (lead.email, "Customer"),
        (handed_off.person.email, "Customer"),
        (customer.email, "Lead"),
    )

    with pytest.raises(CommandError) as refused:
        run_import(path)

    message = str(refused.value)
    assert "row 3, column Lifecycle Stage: " in message
    assert "moves on when sales accepts, rejects or converts it in the inbox" in message
    assert "row 4, column Lifecycle Stage: People move forward through the funnel" in message
    assert "row 2" not in message
    # The import is one whole: nothing of it is written while a row is refused.
    assert [stage(p) for p in (lead, handed_off.person, customer)] == ["lead", "mql", "customer"]


def test_an_import_may_not_set_a_stage_sales_sets(tmp_path):
    lead = PersonFactory(lifecycle_stage=LifecycleStage.LEAD)

    with pytest.raises(CommandError, match="row 2, column Lifecycle Stage: Only the rep"):
        run_import(contacts(tmp_path, (lead.email, "Sales Qualified Lead")))

    assert stage(lead) == LifecycleStage.LEAD


def test_an_import_makes_the_moves_the_funnel_allows_and_keeps_them_in_the_history(tmp_path):
    lead = PersonFactory(lifecycle_stage=LifecycleStage.LEAD)
    sql = PersonFactory(lifecycle_stage=LifecycleStage.SQL)

    run_import(contacts(tmp_path, (lead.email, "Customer"), (sql.email, "Opportunity")))

    assert (stage(lead), stage(sql)) == ("customer", "opportunity")
    assert LifecycleChange.objects.filter(person=lead, from_stage="lead", to_stage="customer")


def admin_form(person: Person, **changes) -> dict:
    data = {
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "title": person.title,
        "seniority": person.seniority,
        "phone": person.phone,
        "account": person.account_id or "",
        "owner": person.owner_id or "",
        "lifecycle_stage": person.lifecycle_stage,
        "lead_status": person.lead_status,
        "original_source": person.original_source,
        "created_at_0": person.created_at.date().isoformat(),
        "created_at_1": person.created_at.time().strftime("%H:%M:%S"),
        "lifecycle_changes-TOTAL_FORMS": "0",
        "lifecycle_changes-INITIAL_FORMS": "0",
    }
    return data | changes


def test_the_admin_refuses_a_move_the_funnel_does_not_allow_with_a_form_error(
    handed_off, client, admin_user
):
    client.force_login(admin_user)
    person = handed_off.person

    response = client.post(
        reverse("admin:crm_person_change", args=[person.pk]),
        admin_form(person, lifecycle_stage="customer"),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["lifecycle_stage"]
    assert "moves on when sales accepts, rejects or converts it in the inbox" in errors[0]
    assert stage(person) == LifecycleStage.MQL


def test_the_admin_moves_a_stage_the_funnel_allows_and_keeps_it_in_the_history(client, admin_user):
    client.force_login(admin_user)
    person = PersonFactory(lifecycle_stage=LifecycleStage.LEAD)

    response = client.post(
        reverse("admin:crm_person_change", args=[person.pk]),
        admin_form(person, lifecycle_stage="customer"),
    )

    assert response.status_code == 302
    assert stage(person) == LifecycleStage.CUSTOMER
    move = LifecycleChange.objects.get(person=person)
    assert (move.from_stage, move.to_stage, move.changed_by) == ("lead", "customer", admin_user)


def test_the_admin_cannot_write_a_move_into_the_history(client, admin_user):
    client.force_login(admin_user)

    assert client.get(reverse("admin:crm_lifecyclechange_add")).status_code == 403


def test_the_inbox_does_not_move_a_lead_that_moved_on_meanwhile(handed_off, rep):
    Person.objects.filter(pk=handed_off.person_id).update(lifecycle_stage="customer")

    with pytest.raises(HandoffRefused, match="no longer a lead with sales"):
        do_accept(handed_off, rep)

    assert stage(handed_off.person) == LifecycleStage.CUSTOMER
