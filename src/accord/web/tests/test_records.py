"""Adding and changing people, accounts, deals and campaigns in the pages: within what the role
may do, every refusal beside its field and summed up at the top, and a form sent twice making
one record."""

import datetime as dt
import re

from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects
from tests.factories import AccountFactory, CampaignFactory, OpportunityFactory, PersonFactory

from accord.crm.models import Account, LifecycleChange, Person
from accord.planning.models import CampaignPlan
from accord.touchpoints.models import Campaign


def _error_beside(response, field: str, text: str) -> None:
    assert response.status_code == 400
    assertContains(response, "There is a problem", status_code=400)
    assertContains(response, f'href="#id_{field}"', status_code=400)
    assertContains(response, f'id="id_{field}_error"', status_code=400)
    tag = re.search(rf'<[^>]*\bid="id_{field}"[^>]*>', response.content.decode()).group()
    assert f"id_{field}_error" in tag and 'aria-invalid="true"' in tag
    assertContains(response, text, status_code=400)


def test_a_rep_adds_a_person_who_is_theirs_with_their_first_stage_kept(client, rep):
    AccountFactory(name="Northwind", domain="northwind.example")
    client.force_login(rep)

    response = client.post(
        "/people/new/",
        {
            "email": "ana@northwind.example",
            "first_name": "Ana",
            "account": "NORTHWIND.example",
            "lifecycle_stage": "lead",
            "owner_id": str(rep.pk),
        },
    )

    ana = Person.objects.get(email="ana@northwind.example")
    assertRedirects(response, f"/people/{ana.pk}/")
    assert ana.owner == rep and ana.account.name == "Northwind"
    assert LifecycleChange.objects.filter(person=ana, to_stage="lead").count() == 1


def test_a_person_form_sent_twice_makes_one_person(client, rep):
    client.force_login(rep)
    sent = {"email": "bo@x.example", "lifecycle_stage": "lead"}

    first = client.post("/people/new/", sent)
    second = client.post("/people/new/", sent)

    bo = Person.objects.get(email="bo@x.example")
    assertRedirects(first, f"/people/{bo.pk}/")
    assertRedirects(second, f"/people/{bo.pk}/")


def test_an_email_already_held_is_named_beside_the_field(client, marketer):
    PersonFactory(email="ana@northwind.example")
    client.force_login(marketer)

    response = client.post(
        "/people/new/", {"email": "Ana@Northwind.example", "lifecycle_stage": "lead"}
    )

    _error_beside(response, "email", "already exists (case is ignored)")
    assert Person.objects.count() == 1


def test_an_account_nobody_may_see_is_not_found_for_the_person(client, rep, other_rep):
    AccountFactory(domain="contoso.example", owner=other_rep)
    client.force_login(rep)

    response = client.post(
        "/people/new/",
        {"email": "c@contoso.example", "account": "contoso.example", "lifecycle_stage": "lead"},
    )

    _error_beside(response, "account", "No account you may see has the domain contoso.example")


def test_marketing_sees_no_owner_and_may_not_add_a_deal(client, marketer):
    client.force_login(marketer)

    assert "owner_id" not in client.get("/people/new/").context["forms"][0].fields
    assert client.get("/opportunities/new/").status_code == 403
    assert "Add a deal" not in client.get("/opportunities/").content.decode()


def test_a_rep_may_not_give_an_account_to_another_rep(client, rep, other_rep):
    client.force_login(rep)

    response = client.post("/accounts/new/", {"name": "Fabrikam", "owner_id": str(other_rep.pk)})

    _error_beside(response, "owner_id", "Select a valid choice")
    assert not Account.objects.exists()


def test_the_sales_head_closes_a_deal_and_a_close_date_before_it_began_is_refused(
    client, sales_head, rep
):
    deal = OpportunityFactory(name="Northwind renewal", owner=rep)
    client.force_login(sales_head)
    edit = f"/opportunities/{deal.pk}/edit/"
    current = client.get(edit).context["forms"][0].initial

    too_early = deal.created_date - dt.timedelta(days=1)
    refused = client.post(edit, {**_sent(current), "close_date": too_early.isoformat()})
    won = client.post(edit, {**_sent(current), "stage": "closed_won"})

    _error_beside(refused, "close_date", "is before the opportunity was created")
    assertRedirects(won, f"/accounts/{deal.account_id}/")
    deal.refresh_from_db()
    assert deal.stage == "closed_won" and deal.close_date == timezone.localdate()


def _sent(initial: dict) -> dict:
    return {k: "" if v is None else str(v) for k, v in initial.items()}


def test_a_marketer_files_a_campaign_with_its_plan_once(client, marketer):
    client.force_login(marketer)
    sent = {
        "name": "Spring webinar",
        "channel": "events",
        "kind": "webinar",
        "start_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "cost": "2500",
        "currency": "EUR",
        "plan-objective": "Forty qualified leads from mid-size retailers",
        "plan-sales_material": "A one-page brief and the recording",
    }

    response = client.post("/campaigns/new/", sent)
    again = client.post("/campaigns/new/", sent)

    campaign = Campaign.objects.get(name="Spring webinar")
    assertRedirects(response, f"/planning/campaigns/{campaign.pk}/")
    assertRedirects(again, f"/planning/campaigns/{campaign.pk}/")
    assert campaign.status == Campaign.Status.PLANNED
    assert campaign.owner_team == marketer.team
    plan = CampaignPlan.objects.get(campaign=campaign)
    assert plan.objective == "Forty qualified leads from mid-size retailers"
    assert plan.edited_by == marketer


def test_a_campaign_without_an_objective_is_refused_whole(client, marketer):
    client.force_login(marketer)

    response = client.post(
        "/campaigns/new/",
        {"name": "Spring webinar", "channel": "events", "kind": "webinar", "cost": "0"},
    )

    _error_beside(response, "plan-objective", "This field is required")
    _error_beside(response, "currency", "This field is required")
    assert not Campaign.objects.exists()


def test_a_campaign_does_not_go_live_before_both_heads_sign(client, marketer):
    campaign = CampaignFactory(name="Spring webinar")
    client.force_login(marketer)
    edit = f"/campaigns/{campaign.pk}/edit/"

    response = client.post(
        edit, {**_sent(client.get(edit).context["forms"][0].initial), "status": "active"}
    )

    _error_beside(response, "status", "cannot go live on sales unannounced")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PLANNED


def test_sales_may_not_change_a_campaign(client, sales_head):
    campaign = CampaignFactory()
    client.force_login(sales_head)

    assert client.get(f"/campaigns/{campaign.pk}/edit/").status_code == 403
    assert client.get("/campaigns/new/").status_code == 403


def test_a_change_that_changes_nothing_says_so(client, rep):
    account = AccountFactory(owner=rep)
    client.force_login(rep)
    edit = f"/accounts/{account.pk}/edit/"

    response = client.post(edit, _sent(client.get(edit).context["forms"][0].initial), follow=True)

    assertContains(response, "Nothing changed.")
