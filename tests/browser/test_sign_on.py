"""Single sign-on in Chromium: the log-in page's button, the company's own sign-in page (a real
OpenID Connect provider on loopback, Django OAuth Toolkit in its own process), back in Accord as
a new rep; logging out of both; and a person in no mapped group or at another company's domain
refused with the reason. Both pages pass axe at 1440 and 390 px."""

import copy
import re

import pytest
from playwright.sync_api import expect

from accord.teams.models import User
from tests.browser.test_accessibility import _serious_violations, _too_wide
from tests.identity_provider import Account

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(sign_on_through, live_server, settings):
    idp = sign_on_through(live_server.url)
    # as the settings do when ACCORD_OIDC_ISSUER is set: the log-out form goes on to the provider
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(idp.origin)
    settings.CONTENT_SECURITY_POLICY = policy
    return idp


def sign_in_at_the_provider(page, email):
    expect(page.get_by_role("heading", name="Company sign-in")).to_be_visible()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("pw-1")
    page.get_by_role("button", name="Sign in").click()


def test_a_new_rep_signs_on_lands_in_accord_and_logs_out_of_both(page, provider, sales_team):
    provider.add(Account("rita@northwind.example", "pw-1", "Rita Rep", ["accord-reps"]))

    page.goto("/login/")
    page.get_by_role("link", name="Log in with Northwind SSO").click()
    sign_in_at_the_provider(page, "rita@northwind.example")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("who")).to_contain_text("Rita Rep")
    expect(page.get_by_test_id("who")).to_contain_text("Sales rep")
    assert User.objects.get(email="rita@northwind.example").role == User.Role.REP

    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("heading", name="Log in to Accord")).to_be_visible()
    page.get_by_role("link", name="Log in with Northwind SSO").click()
    expect(page.get_by_role("heading", name="Company sign-in")).to_be_visible()  # asked again


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("guest@northwind.example", "guest@northwind.example is not in a group that has a role"),
        ("rep@elsewhere.example", "rep@elsewhere.example is not an address of the company"),
    ],
)
def test_a_person_in_no_mapped_group_or_of_another_domain_is_refused_with_the_reason(
    page, provider, settings, sales_team, email, reason
):
    settings.SIGN_ON = {**settings.SIGN_ON, "domains": ("northwind.example",)}
    provider.add(Account("guest@northwind.example", "pw-1", "Guest", ["visitors"]))
    provider.add(Account("rep@elsewhere.example", "pw-1", "Rep", ["accord-reps"]))

    page.goto("/login/")
    page.get_by_role("link", name="Log in with Northwind SSO").click()
    sign_in_at_the_provider(page, email)

    expect(page.get_by_test_id("refused")).to_contain_text(reason)
    assert not User.objects.filter(email=email).exists()
    page.get_by_role("link", name="Back to the log-in page").click()
    expect(page.get_by_role("heading", name="Log in to Accord")).to_be_visible()


@pytest.mark.parametrize("width", [1440, 390])
def test_the_log_in_and_refusal_pages_fit_and_pass_axe(
    browser, live_server, provider, sales_team, axe_source, width, tmp_path
):
    provider.add(Account("guest@northwind.example", "pw-1", "Guest", ["visitors"]))
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto("/login/")
        assert _too_wide(page) is None
        assert _serious_violations(page, axe_source) == []
        page.get_by_role("link", name="Log in with Northwind SSO").click()
        sign_in_at_the_provider(page, "guest@northwind.example")
        expect(page.get_by_test_id("refused")).to_be_visible()
        assert _too_wide(page) is None
        assert _serious_violations(page, axe_source) == []
    finally:
        context.close()
