"""Adding records in a real browser: a marketer files a campaign and its plan."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

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
