"""Logging in and out of the web shell in a real browser, as each persona of the demo company."""

import re

import pytest
from playwright.sync_api import expect

from accord.crm.models import LifecycleStage, PipelineStage
from tests.factories import AccountFactory, OpportunityFactory, PersonFactory, TouchpointFactory

pytestmark = pytest.mark.browser

PERSONA_FIXTURES = {
    "marketing.head@demo.accord": "marketing_head",
    "sales.head@demo.accord": "sales_head",
    "marketer1@demo.accord": "marketer",
    "rep1@demo.accord": "rep",
    "rep2@demo.accord": "other_rep",
    "rep3@demo.accord": "rep3",
    "rep4@demo.accord": "rep4",
    "admin@demo.accord": "admin_user",
}


@pytest.mark.parametrize("email", PERSONA_FIXTURES)
def test_each_persona_logs_in_and_sees_the_shared_numbers(request, page, log_in, email):
    user = request.getfixturevalue(PERSONA_FIXTURES[email])
    acme = AccountFactory(name="Acme")
    PersonFactory.create_batch(3, account=acme, lifecycle_stage=LifecycleStage.MQL)
    OpportunityFactory(account=acme, stage=PipelineStage.CLOSED_WON)
    TouchpointFactory.create_batch(2, person__account=acme)

    log_in(email)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="The shared numbers")).to_be_visible()
    who = page.get_by_test_id("who")
    expect(who).to_contain_text(user.full_name)
    expect(who).to_contain_text(user.get_role_display())
    if user.team_id:
        expect(who).to_contain_text(user.team.name)
    expect(page.get_by_test_id("accounts")).to_have_text("1")
    expect(page.get_by_test_id("people")).to_have_text("5")
    expect(page.get_by_test_id("opportunities-won-lost")).to_have_text("1 / 0")
    expect(page.get_by_test_id("campaigns")).to_have_text("2")
    expect(page.get_by_test_id("touchpoints")).to_have_text("2")
    funnel = page.get_by_role("img", name="People by lifecycle stage")
    expect(funnel).to_be_visible()
    expect(funnel.locator("g.bar", has_text="Marketing qualified lead")).to_contain_text("3")


def test_a_wrong_password_shows_an_error_and_stays_on_the_login_page(page, log_in, rep):
    log_in(rep.email, password="not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct")
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_label("E-mail")).to_have_value(rep.email)
    expect(page.get_by_test_id("who")).to_have_count(0)


def test_a_rep_does_not_see_the_admin_in_the_navigation(page, log_in, rep):
    log_in(rep.email)

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(nav.get_by_role("link", name="API docs")).to_be_visible()
    expect(nav.get_by_role("link", name="Admin")).to_have_count(0)


def test_the_admin_reaches_the_django_admin_from_the_navigation(page, log_in, admin_user):
    log_in(admin_user.email)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("link", name="People")).to_be_visible()


def test_logging_out_returns_to_the_login_page(page, log_in, marketer):
    log_in(marketer.email)
    expect(page.get_by_test_id("who")).to_be_visible()

    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(re.compile(r"/login/$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_test_id("who")).to_have_count(0)
