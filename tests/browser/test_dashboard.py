"""The shared dashboard in a real browser, on the demo company."""

import re

import pytest
from playwright.sync_api import expect

from accord.demo.personas import DEMO_PASSWORD
from accord.demo.services import do_load_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_company(transactional_db):
    do_load_demo(seed=7, size="tiny", progress=False)


def test_the_marketing_head_reads_the_funnel_and_the_models_compared(page, log_in, demo_company):
    log_in("marketing.head@demo.accord", DEMO_PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    funnel = page.get_by_role("img", name="People who reached each stage")
    expect(funnel).to_be_visible()
    expect(funnel.locator("g.bar")).to_have_count(8)
    expect(funnel.locator("g.bar", has_text="Customer")).to_be_visible()
    comparison = page.get_by_test_id("attribution-comparison")
    expect(comparison).to_be_visible()
    for model in ["First touch", "Last touch", "Linear", "Markov"]:
        expect(comparison.get_by_role("columnheader", name=model)).to_be_visible()
    expect(comparison.locator("tbody tr").first.locator("span.bar").first).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("Attributed won revenue by campaign"))
    ).to_be_visible()


def test_a_segment_filter_and_the_roi_model_are_kept_in_the_address(page, log_in, demo_company):
    log_in("sales.head@demo.accord", DEMO_PASSWORD)
    page.goto("/dashboard/")

    page.get_by_label("ROI model").select_option("first_touch")
    page.get_by_label("Team").select_option("sales")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"model=first_touch"))
    expect(
        page.get_by_role("img", name="Attributed won revenue by campaign in USD (first touch)")
    ).to_be_visible()
    expect(page.get_by_test_id("sla-sales")).to_be_visible()
    expect(page.get_by_test_id("sla-marketing")).to_have_count(0)
    with page.expect_download() as download:
        page.locator("section", has_text="ROI by campaign").get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "accord-roi.csv"
