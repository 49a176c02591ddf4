"""The bell in a real browser: a lead routed to a rep shows in the header's count, opens from the
notifications page in the inbox's side panel, and is read from then on."""

import re

import pytest
from playwright.sync_api import expect

from accord.handoff.models import RoutingMember, RoutingRule
from accord.handoff.routing import do_route
from accord.handoff.terms import SlaTerms
from accord.handoff.tests.helpers import mql

pytestmark = pytest.mark.browser


@pytest.fixture
def routed_to_rep(transactional_db, sales_team, rep):
    rule = RoutingRule.objects.create(
        position=10, kind=RoutingRule.Kind.ROUND_ROBIN, team=sales_team
    )
    RoutingMember.objects.create(rule=rule, user=rep)
    terms = SlaTerms(first_touch_hours=4, decision_days=2, agreement_version=1)
    return do_route(mql(first_name="Ann", last_name="Lee", email="ann@northwind.example"), terms)


def test_a_rep_opens_a_routed_lead_from_the_bell_and_it_is_read(page, log_in, rep, routed_to_rep):
    log_in(rep.email)

    bell = page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_have_accessible_name("Notifications 1 unread")
    bell.focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.get_by_test_id("unread")).to_have_text("1 unread.")
    page.get_by_role("link", name="Unread: New lead for you: Ann Lee").click()

    expect(page).to_have_url(re.compile(rf"/inbox/{routed_to_rep.pk}/$"))
    expect(page.get_by_test_id("panel")).to_contain_text("ann@northwind.example")
    expect(bell).to_have_accessible_name("Notifications")
    bell.click()
    expect(page.get_by_test_id("unread")).to_have_text("0 unread.")
    expect(page.get_by_role("link", name="New lead for you: Ann Lee")).to_be_visible()
