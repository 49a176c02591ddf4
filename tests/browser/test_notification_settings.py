"""How a person hears of each kind of event, chosen on the settings page the header links to, on
a laptop and a phone; and the feedback page's filters, with a bad period named beside its field."""

import re

import pytest
from playwright.sync_api import expect

from accord.alerts.models import Event
from accord.alerts.selectors import channels_of
from tests.browser.test_accessibility import _serious_violations, _too_wide

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db, marketer, marketing_head):
    return marketer


@pytest.mark.parametrize("width", [1440, 390])
def test_a_marketer_turns_off_rejection_emails_from_the_header(
    page, log_in, people, axe_source, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(people.email)
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # on a phone the header's links are behind the menu
        menu.click()
    page.get_by_role("link", name="Notification settings").click()

    expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()
    rejections = page.get_by_role(
        "group", name="Sales rejects a lead that came through my team's campaigns"
    )
    expect(rejections.get_by_label("In the bell")).to_be_checked()
    expect(rejections.get_by_label("By e-mail")).not_to_be_checked()
    assert _too_wide(page) is None
    assert _serious_violations(page, axe_source) == []

    rejections.get_by_label("In the bell").uncheck()
    page.get_by_role("group", name="A campaign plan awaits my signature").get_by_label(
        "By e-mail"
    ).check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Saved: 2 kinds of event changed.")).to_be_visible()
    expect(rejections.get_by_label("In the bell")).not_to_be_checked()
    chosen = channels_of(people)
    assert not chosen[Event.LEAD_REJECTED].bell and not chosen[Event.LEAD_REJECTED].email
    assert chosen[Event.PLAN_TO_SIGN].email


@pytest.mark.parametrize("width", [1440, 390])
def test_a_bad_period_on_the_feedback_page_is_named_beside_its_field(
    page, log_in, people, axe_source, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(people.email)
    page.goto("/feedback/")

    filters = page.get_by_role("form", name="Period and segment")
    filters.get_by_label("From").fill("2026-11-10")
    filters.get_by_label("To").fill("2026-11-01")
    filters.get_by_role("button", name="Apply").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("To: The period ends before it starts.")
    assert _too_wide(page) is None
    assert _serious_violations(page, axe_source) == []
    summary.get_by_role("link").click()
    expect(filters.get_by_label("To")).to_be_focused()

    filters.get_by_label("From").fill("2026-10-01")
    filters.get_by_label("SLA by").select_option(label="Week")
    filters.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"grain=week"))
    expect(page.get_by_test_id("sla-sales").get_by_role("columnheader").first).to_have_text(
        "Week of"
    )
    assert _too_wide(page) is None
    assert _serious_violations(page, axe_source) == []
