"""The inbox at speed, in a real browser on the demo company: a rep clears leads with the
keyboard alone, the sales head reassigns several at once, and a phone shows it all without
scrolling sideways."""

import re

import pytest
from playwright.sync_api import expect

from accord.demo.personas import DEMO_PASSWORD
from accord.demo.services import do_load_demo
from accord.handoff.models import Handoff
from accord.teams.models import User

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_company(transactional_db):
    do_load_demo(seed=7, size="tiny", progress=False)


def waiting_of(email: str) -> int:
    return Handoff.objects.filter(assigned_to__email=email, status="assigned").count()


def test_a_rep_clears_three_leads_with_the_keyboard(page, log_in, demo_company):
    waiting = waiting_of("rep1@demo.accord")
    assert waiting >= 3
    log_in("rep1@demo.accord", DEMO_PASSWORD)
    page.goto("/inbox/?status=assigned")
    leads = page.get_by_test_id("lead")
    emails = [leads.nth(n).get_attribute("data-email") for n in range(3)]
    row = {email: page.locator(f'[data-email="{email}"]') for email in emails}
    counts = page.get_by_test_id("inbox-counts")

    page.keyboard.press("?")
    expect(page.get_by_test_id("shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("shortcuts")).to_be_hidden()

    page.keyboard.press("j")
    expect(row[emails[0]]).to_have_class(re.compile("cursor"))
    page.keyboard.press("a")
    expect(row[emails[0]].get_by_test_id("status")).to_have_text("Accepted (SAL)")
    expect(counts).to_contain_text(f"{waiting - 1} waiting for a decision")

    page.keyboard.press("j")
    page.keyboard.press("r")
    reason = page.locator("#reject-reason")
    expect(reason).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(reason).to_have_value("no_budget")
    page.keyboard.press("Tab")
    page.keyboard.type("Budget frozen until next year")
    page.keyboard.press("Enter")
    expect(row[emails[1]].get_by_test_id("status")).to_have_text("Rejected: No budget")
    expect(counts).to_contain_text(f"{waiting - 2} waiting for a decision")

    page.keyboard.press("j")
    expect(row[emails[2]]).to_have_class(re.compile("cursor"))
    page.keyboard.press("a")
    expect(row[emails[2]].get_by_test_id("status")).to_have_text("Accepted (SAL)")
    expect(counts).to_contain_text(f"{waiting - 3} waiting for a decision")

    assert waiting_of("rep1@demo.accord") == waiting - 3
    statuses = dict(
        Handoff.objects.filter(person__email__in=emails)
        .exclude(status="reassigned")
        .values_list("person__email", "status")
    )
    assert statuses == {emails[0]: "accepted", emails[1]: "rejected", emails[2]: "accepted"}


def test_the_sales_head_reassigns_several_leads_at_once(page, log_in, demo_company):
    rep1 = User.objects.get(email="rep1@demo.accord")
    rep4 = User.objects.get(email="rep4@demo.accord")
    log_in("sales.head@demo.accord", DEMO_PASSWORD)
    page.goto(f"/inbox/?rep={rep1.pk}")
    leads = page.get_by_test_id("lead")
    before = leads.count()
    assert 3 <= before < 50
    picked = [leads.nth(n).get_attribute("data-handoff") for n in range(3)]

    leads.nth(0).get_by_role("checkbox").check()
    leads.nth(1).get_by_role("checkbox").check()  # the cursor follows the click
    page.keyboard.press("j")
    page.keyboard.press("x")  # the third, from the keyboard
    expect(page.get_by_test_id("selected-count")).to_have_text("3")
    bulk = page.get_by_test_id("bulk")
    bulk.get_by_label("Action").select_option(label="Reassign")
    bulk.get_by_label("Give to").select_option(label=str(rep4))
    bulk.get_by_role("button", name="Apply to selected").click()

    expect(page.get_by_test_id("bulk-result")).to_contain_text("Reassigned 3 leads.")
    moved = Handoff.objects.filter(previous_id__in=[int(pk) for pk in picked])
    assert {h.assigned_to_id for h in moved} == {rep4.pk} and moved.count() == 3
    expect(page.get_by_test_id("lead")).to_have_count(before - 3)  # they left rep1's list


def test_the_inbox_fits_a_phone(browser, live_server, demo_company):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto("/login/")
    phone.get_by_label("E-mail").fill("sales.head@demo.accord")
    phone.get_by_label("Password").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.goto("/inbox/")

    assert _wider_than_the_screen(phone) == []
    phone.get_by_test_id("lead").first.get_by_role("link").click()
    accept = phone.get_by_test_id("panel").get_by_role("button", name="Accept")
    expect(accept).to_be_in_viewport()
    assert _wider_than_the_screen(phone) == []
    phone.keyboard.press("Escape")
    expect(phone.get_by_test_id("panel")).to_have_count(0)
    context.close()


def _wider_than_the_screen(page) -> list[str]:
    """What in the page's content reaches past the right edge of the screen."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('main, main *'))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)"""
    )
