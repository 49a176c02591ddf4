"""The menu on a phone: folded behind a Menu button so the page starts near the top, opened and
closed by mouse or keyboard; on a laptop, and without JavaScript, always shown."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, _wait_for_server_threads

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _signed_in(browser, live_server, email: str, viewport: dict, javascript: bool = True):
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return context, page


def test_on_a_phone_the_menu_folds_behind_a_button_and_the_page_starts_near_the_top(
    browser, live_server, marketing_head
):
    context, page = _signed_in(browser, live_server, marketing_head.email, PHONE)
    menu = page.get_by_role("button", name="Menu")
    links = page.get_by_role("navigation", name="Main").get_by_role("link")

    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert heading["y"] < 200  # within the first quarter of the screen

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()

    page.keyboard.press("Enter")
    page.get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
    _wait_for_server_threads()


def test_on_a_laptop_and_without_javascript_the_menu_is_always_shown(
    browser, live_server, sales_head
):
    for viewport, javascript in (({"width": 1440, "height": 900}, True), (PHONE, False)):
        context, page = _signed_in(browser, live_server, sales_head.email, viewport, javascript)

        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        context.close()
        _wait_for_server_threads()


def test_on_a_phone_the_pages_off_the_menu_fit_the_screen_too(browser, live_server, marketing_head):
    from tests.factories import AccountFactory, CampaignFactory, PersonFactory

    account = AccountFactory(name="Northwind Traders International Holdings", domain="nw.example")
    person = PersonFactory(account=account, title="Vice President of Revenue Operations, EMEA")
    campaign = CampaignFactory(name="Partner webinar – Retargeting – Lookalikes – Jun 2026")
    context, page = _signed_in(browser, live_server, marketing_head.email, PHONE)
    wide = []
    for url in (
        f"/people/{person.pk}/",
        f"/accounts/{account.pk}/",
        f"/planning/campaigns/{campaign.pk}/",
        "/people/new/",
        "/campaigns/new/",
        "/agreement/propose/",
        "/search/?q=Northwind",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")  # the editor's live panels have answered
        if (width := page.evaluate("document.documentElement.scrollWidth")) > PHONE["width"]:
            wide.append(f"{url} is {width} px wide")
    assert wide == []
    context.close()
    _wait_for_server_threads()
