"""The record pages: a person's page says who they are, their score and why, their lifecycle,
touches, handoffs and every recorded change; an account's page its people and deals. Each user
sees only the records their role may read."""

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from tests.factories import AccountFactory, OpportunityFactory, PersonFactory, TouchpointFactory

from accord.agreement.services import do_rescore_people
from accord.crm.models import DealContact
from accord.crm.services import do_change_lifecycle_stage, do_update_person


@pytest.fixture
def lead(rep, sales_head, marketer):
    account = AccountFactory(name="Northwind", domain="northwind.example")
    person = PersonFactory(
        email="ana@northwind.example", first_name="Ana", last_name="García", account=account
    )
    TouchpointFactory.create_batch(3, person=person)
    do_change_lifecycle_stage(person, "mql", by=marketer, reason="qualified at the event")
    do_update_person(person, {"owner": rep}, by=sales_head, reason="her territory")
    return person


def test_a_rep_reads_their_leads_score_lifecycle_touches_and_history(
    client, rep, lead, agreement_in_force
):
    do_rescore_people([lead.pk])
    client.force_login(rep)

    page = client.get(f"/people/{lead.pk}/")

    assertContains(page, "<h1>Ana García</h1>", html=True)
    record = page.context["r"]
    assert record.score is not None
    assert sum(line.points for line in record.score.explanation) == record.score.total
    assertContains(page, f"{record.score.total} points, grade {record.score.fit_grade}")
    scored_on = f"{timezone.localtime(record.score.scored_at):%-d %b %Y}"
    assertContains(page, f"as agreement v{agreement_in_force.number} scored it on {scored_on}")
    assertContains(page, "qualified at the event")
    assertContains(page, "Touchpoints (3)")
    assertContains(page, "her territory")  # the owner change, from the audit trail
    assertContains(page, f'href="/accounts/{lead.account_id}/"')


def test_another_reps_lead_is_not_found_and_not_listed(client, other_rep, lead):
    client.force_login(other_rep)

    assert client.get(f"/people/{lead.pk}/").status_code == 404
    assertNotContains(client.get("/people/"), "ana@northwind.example")


def test_people_are_found_by_a_fragment_of_name_or_email_and_by_stage(client, marketer, lead):
    PersonFactory(email="bo@contoso.example", first_name="Bo")
    client.force_login(marketer)

    assertContains(client.get("/people/", {"q": "GARC"}), "ana@northwind.example")
    assertNotContains(client.get("/people/", {"q": "garc"}), "bo@contoso.example")
    by_stage = client.get("/people/", {"stage": "mql"})
    assertContains(by_stage, "ana@northwind.example")
    assertNotContains(by_stage, "bo@contoso.example")


def test_an_accounts_page_lists_its_people_and_deals_with_the_deals_history(
    client, sales_head, lead
):
    from accord.crm.services import do_update_opportunity

    deal = OpportunityFactory(account=lead.account, name="Northwind renewal")
    do_update_opportunity(deal, {"stage": "closed_won"}, by=sales_head)
    client.force_login(sales_head)

    page = client.get(f"/accounts/{lead.account_id}/")

    assertContains(page, "<h1>Northwind</h1>", html=True)
    assertContains(page, "Ana García")
    assertContains(page, "Northwind renewal")
    assert any(e.record_id == str(deal.pk) for e in page.context["r"].history)


def test_a_persons_page_lists_every_deal_they_have_a_part_in(client, marketer, lead):
    led = OpportunityFactory(name="Northwind pilot", primary_contact=lead)
    joined = OpportunityFactory(name="Northwind rollout")
    DealContact.objects.create(opportunity=led, person=lead, role="Decision Maker", is_primary=True)
    DealContact.objects.create(opportunity=joined, person=lead, role="Evaluator")
    OpportunityFactory(name="Someone else's deal")
    client.force_login(marketer)

    page = client.get(f"/people/{lead.pk}/")

    deals = {o.name: o.role for o in page.context["r"].opportunities}
    assert deals == {"Northwind pilot": "Decision Maker", "Northwind rollout": "Evaluator"}
    assertContains(page, "<td>Primary contact (Decision Maker)</td>", html=True)
    assertContains(page, "<td>Evaluator</td>", html=True)
