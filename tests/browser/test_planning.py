"""The joint plan in a real browser: a rep rates a campaign; both heads sign a campaign plan."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accord.planning.services import do_write_plan
from accord.touchpoints.models import Campaign
from tests.factories import CampaignFactory

pytestmark = pytest.mark.browser


def _open_campaign(page, name: str) -> None:
    page.get_by_role("link", name="Planning", exact=True).click()
    page.get_by_role("link", name="Campaign plans and what reps say about them").click()
    page.get_by_role("link", name=name).click()


def test_a_rep_rates_a_campaign_and_its_material(page, log_in, rep):
    CampaignFactory(name="Case study series", status=Campaign.Status.ACTIVE)

    log_in(rep.email)
    _open_campaign(page, "Case study series")
    page.get_by_label("Not useful").check()
    page.get_by_label("Comment").fill("The case study is from an industry we do not sell to")
    page.get_by_role("button", name="Send my rating").click()

    expect(page.get_by_text("Thank you: marketing sees your rating.")).to_be_visible()
    expect(page.get_by_test_id("rate")).to_contain_text("You rated it not useful")
    expect(page.get_by_test_id("feedback")).to_contain_text(
        "Ray Rep: not useful — “The case study is from an industry we do not sell to”"
    )


def test_both_heads_sign_a_plan_and_it_reaches_sales(
    page, log_in, marketer, marketing_head, sales_head
):
    launch = timezone.now().date() + dt.timedelta(days=30)
    campaign = CampaignFactory(name="Product launch webinar", start_date=launch)
    do_write_plan(marketer, campaign, {"objective": "Forty MQLs from operations leaders"})

    log_in(marketing_head.email)
    _open_campaign(page, "Product launch webinar")
    expect(page.get_by_test_id("plan")).to_contain_text("Forty MQLs from operations leaders")
    page.get_by_role("button", name="Sign the plan for Marketing").click()
    expect(page.get_by_text("You signed the plan; it waits for the other head.")).to_be_visible()
    expect(page.get_by_test_id("notice")).to_contain_text("Waits for the sales head")
    page.get_by_role("button", name="Log out").click()

    log_in(sales_head.email)
    _open_campaign(page, "Product launch webinar")
    expect(page.get_by_test_id("signatures")).to_contain_text("Marketing head: Maria Head")
    page.get_by_role("button", name="Sign the plan for Sales").click()

    expect(page.get_by_text("both heads have, and sales has it")).to_be_visible()
    expect(page.get_by_test_id("signatures")).to_contain_text("Sales head: Sam Head")
    expect(page.get_by_test_id("notice")).to_contain_text("30 days before launch. It may go live.")
    expect(page.get_by_role("button", name="Sign the plan for Sales")).to_have_count(0)
