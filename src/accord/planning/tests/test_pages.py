"""The joint plan's pages as each persona meets them."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from tests.factories import CampaignFactory, OpportunityFactory, PersonFactory

from accord.crm.rollups import refresh_people
from accord.planning.services import do_rate_campaign, do_sign_plan, do_write_plan
from accord.touchpoints.models import Campaign


def _page(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_plan_shows_each_stage_with_its_metric_read_from_the_shared_database(client, rep):
    people = PersonFactory.create_batch(3, lifecycle_stage="lead")
    refresh_people([who.pk for who in people])  # the factory writes around the services
    OpportunityFactory(stage="closed_won", amount=Decimal("1234.50"), close_date=timezone.now())
    page = _page(client, rep, "/planning/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(stage.step, measure.value) for stage, measure in rows] == [
        ("awareness", "3"),
        ("consideration", "0"),
        ("preference", "no handoffs"),
        ("purchase", "$1,234.50"),
        ("loyalty", "0"),
        ("advocacy", "0"),
    ]
    assert b"Upstream marketing" in page.content
    assert b"/planning/stages/awareness/" not in page.content  # reps do not edit the plan
    assert page.context["uncovered"] == []


def test_a_head_edits_a_stage_through_its_form(client, sales_head):
    client.force_login(sales_head)
    form = {
        "owner": "sales",
        "tactics": "Joint account plans\nQuarterly business reviews",
        "metric": "won_deals",
        "lifecycle_stages": ["customer"],
    }
    answer = client.post("/planning/stages/loyalty/", form)
    assert answer.status_code == 302
    page = client.get("/planning/")
    assert b"Quarterly business reviews" in page.content
    assert dict((s.step, m.label) for s, m in page.context["rows"])["loyalty"] == "Deals won"


def test_an_edit_without_lifecycle_stages_shows_the_form_again(client, marketing_head):
    client.force_login(marketing_head)
    answer = client.post(
        "/planning/stages/loyalty/", {"owner": "sales", "tactics": "x", "metric": "won_deals"}
    )
    assert answer.status_code == 400
    assert "lifecycle_stages" in answer.context["form"].errors


def test_a_marketer_may_not_open_the_stage_form(client, marketer):
    assert _page(client, marketer, "/planning/stages/awareness/").status_code == 403


def test_a_head_sets_the_notice_period(client, marketing_head):
    client.force_login(marketing_head)
    client.post("/planning/notice/", {"notice_days": "21"})
    assert b"at least <strong>21 days</strong>" in client.get("/planning/").content


@pytest.fixture
def campaigns(plan, campaign, marketing_head, rep):
    do_sign_plan(marketing_head, campaign)
    rated = CampaignFactory(name="Autumn event", status=Campaign.Status.COMPLETED)
    do_rate_campaign(rep, rated, True, "Brought two meetings")
    CampaignFactory(name="No plan yet")
    return campaign, rated


def test_the_campaign_list_shows_plan_signatures_notice_and_ratings(
    client, campaigns, marketer, django_assert_max_num_queries
):
    client.force_login(marketer)
    client.get("/planning/campaigns/")  # the session is read once
    with django_assert_max_num_queries(6):
        page = client.get("/planning/campaigns/")
    text = page.content.decode()
    assert "Maria Head (marketing)" in text
    assert "Waits for the sales head" in text
    assert "1 of 1 useful" in text
    assert text.count("No plan") == 3  # two campaigns without a plan, one named so


def test_a_rep_rates_a_campaign_and_marketing_reads_it(client, campaigns, rep, marketer):
    _, rated = campaigns
    client.force_login(rep)
    client.post(f"/planning/campaigns/{rated.pk}/rate/", {"useful": "no", "comment": "Too late"})
    page = client.get(f"/planning/campaigns/{rated.pk}/")
    assert b"You rated it not useful" in page.content
    marketing_view = _page(client, marketer, f"/planning/campaigns/{rated.pk}/")
    assert "Ray Rep</strong>: not useful — “Too late”" in marketing_view.content.decode()
    assert marketing_view.context["rating_form"] is None


def test_the_sales_head_signs_from_the_campaign_page(client, campaigns, sales_head):
    campaign, _ = campaigns
    client.force_login(sales_head)
    assert client.get(f"/planning/campaigns/{campaign.pk}/").context["may_sign"]
    client.post(f"/planning/campaigns/{campaign.pk}/sign/")
    page = client.get(f"/planning/campaigns/{campaign.pk}/")
    assert b"both heads have, and sales has it" in page.content
    assert not page.context["may_sign"]


def test_a_marketer_writes_a_plan_and_a_blank_objective_is_shown_back(client, marketer):
    campaign = CampaignFactory(name="Partner webinar", start_date=dt.date(2030, 1, 10))
    client.force_login(marketer)
    refused = client.post(f"/planning/campaigns/{campaign.pk}/plan/", {"objective": " "})
    assert refused.status_code == 400
    shown = refused.content.decode()
    assert "There is a problem" in shown
    assert '<a href="#id_objective">Objective: This field is required.</a>' in shown
    beside = re.search(r'<div class="field field-error">.*?</textarea>', shown, re.S).group()
    assert '<label for="id_objective">Objective</label>' in beside
    hint = '<p class="hint" id="id_objective_helptext">What the campaign should achieve</p>'
    assert hint in beside
    assert 'id="id_objective_error"' in beside and "This field is required." in beside
    assert '<label for="id_audience">Audience <span class="optional">(optional)</span>' in shown
    client.post(
        f"/planning/campaigns/{campaign.pk}/plan/",
        {"objective": "Twenty demos", "buying_step": "preference"},
    )
    page = client.get(f"/planning/campaigns/{campaign.pk}/")
    assert b"Twenty demos" in page.content
    assert b"Waits for the marketing head and the sales head" in page.content


def test_a_signed_plan_changed_on_the_page_needs_both_signatures_again(
    client, plan, campaign, marketer, marketing_head
):
    do_sign_plan(marketing_head, campaign)
    do_write_plan(marketer, campaign, {"objective": "Fifty MQLs"})
    page = _page(client, marketer, f"/planning/campaigns/{campaign.pk}/")
    assert "Marketing head: not signed" in page.content.decode()
