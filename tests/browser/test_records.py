"""Records in a real browser: a marketer files a campaign and its plan; the search in the
header finds each kind of record."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import AccountFactory, CampaignFactory, OpportunityFactory, PersonFactory

pytestmark = pytest.mark.browser


def test_a_marketer_files_a_campaign_and_its_plan(page, log_in, marketer):
    log_in(marketer.email)
    page.get_by_role("link", name="Campaigns", exact=True).click()
    page.get_by_role("link", name="File a campaign").click()

    page.get_by_role("button", name="File the campaign and its plan").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("What it should achieve: This field is required.")

    page.get_by_label("Name", exact=True).fill("Spring retail webinar")
    page.get_by_label("Channel").select_option(label="Events")
    page.get_by_label("Type", exact=True).select_option(label="Webinar")
    start = timezone.localdate() + dt.timedelta(days=40)
    page.get_by_label("Starts").fill(start.isoformat())
    page.get_by_label("Cost").fill("2500")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("What it should achieve").fill("Forty qualified leads from retailers")
    page.get_by_label("What sales gets").fill("A one-page brief and the recording")
    page.get_by_role("button", name="File the campaign and its plan").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Spring retail webinar")
    expect(page.get_by_text("its plan waits for both heads to sign")).to_be_visible()
    expect(page.get_by_test_id("plan")).to_contain_text("Forty qualified leads from retailers")
    expect(page.get_by_test_id("signatures")).to_contain_text("Marketing head: not signed")


def test_the_search_in_the_header_finds_a_person_an_account_a_deal_and_a_campaign(
    page, log_in, rep
):
    account = AccountFactory(name="Northwind Traders", domain="northwind.example", owner=rep)
    PersonFactory(first_name="Ana", last_name="Northcott", account=account, owner=rep)
    OpportunityFactory(name="Renewal for Northwind", account=account, owner=rep)
    CampaignFactory(name="North America retail webinar")

    log_in(rep.email)
    search = page.get_by_role("search").first
    search.get_by_role("searchbox").fill("north")
    search.get_by_role("button", name="Search").click()

    expect(page.get_by_test_id("total")).to_contain_text("4 found for “north”")
    expect(page.get_by_test_id("found-people")).to_contain_text("Ana Northcott")
    expect(page.get_by_test_id("found-accounts")).to_contain_text("Northwind Traders")
    expect(page.get_by_test_id("found-deals")).to_contain_text("Renewal for Northwind")
    expect(page.get_by_test_id("found-campaigns")).to_contain_text("North America retail webinar")
    page.get_by_test_id("found-people").get_by_role("link", name="Ana Northcott").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Northcott")
