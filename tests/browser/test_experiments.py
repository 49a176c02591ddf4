"""Experiments in a real browser: the marketing head holds out part of a campaign's audience on
its page, then reads each experiment's lift and the calibrated credit on the dashboard, on a
laptop and on a phone, with no serious accessibility finding."""

import pytest
from playwright.sync_api import expect

from accord.metrics.tests.test_experiments_panel import summit_holdout
from accord.touchpoints.models import Channel
from tests.browser.test_accessibility import _serious_violations, _too_wide
from tests.factories import CampaignFactory

pytestmark = pytest.mark.browser

PERIOD = "?start=2026-01-01&end=2026-03-31"


@pytest.fixture
def summit(transactional_db, marketing_head):
    """The customer summit's holdout (measured), and a webinar about to start."""
    summit_holdout()
    return CampaignFactory(name="Spring webinar", channel=Channel.EMAIL)


@pytest.mark.parametrize("width", [1440, 390])
def test_the_marketing_head_holds_out_an_audience_and_reads_the_lift(
    browser, live_server, summit, axe_source, width
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("E-mail").fill("marketing.head@demo.accord")
    page.get_by_label("Password").fill("accord-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto(f"/planning/campaigns/{summit.pk}/")
    page.get_by_label("Hold out (% of the eligible people)").fill("20")
    page.get_by_label("Seed").fill("7")
    page.get_by_role("button", name="Hold them out").click()
    expect(page.get_by_text("60 people are held out of Spring webinar")).to_be_visible()
    expect(page.get_by_test_id("experiment")).to_contain_text("seed 7")
    assert _too_wide(page) is None
    assert _serious_violations(page, axe_source) == []

    page.goto(f"/dashboard/{PERIOD}")
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    panel = page.get_by_test_id("experiments")
    expect(panel.get_by_role("img", name="Conversion rate of each arm (%)")).to_be_visible()
    lifts = panel.get_by_test_id("experiment-lifts")
    expect(lifts).to_contain_text("Customer summit")
    expect(lifts).to_contain_text("Spring webinar")
    expect(lifts).to_contain_text("+70.0 points")
    expect(panel.get_by_test_id("calibrated")).to_contain_text("$105,000")
    expect(panel.get_by_role("img", name="Caused won revenue in USD")).to_be_visible()
    assert _too_wide(page) is None
    assert _serious_violations(page, axe_source) == []
    context.close()
