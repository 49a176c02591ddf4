"""The handoff in a real browser, on the demo company: a rep accepts one lead and sends another
back with a reason; marketing sees that rejection on the feedback page the same day."""

import re

import pytest
from playwright.sync_api import expect

from accord.agreement.services import do_create_draft, do_sign
from accord.capture.batches import do_process_all_waiting
from accord.capture.tests.conftest import QUICK_MQL
from accord.demo.personas import DEMO_PASSWORD
from accord.demo.services import do_load_demo
from accord.handoff.models import Handoff, RoutingMember, RoutingRule
from accord.teams.models import ApiToken
from accord.teams.tokens import do_create_token
from tests.factories import AccountFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_company(transactional_db):
    do_load_demo(seed=7, size="tiny", progress=False)


def test_a_rep_accepts_and_rejects_and_marketing_sees_the_rejection(page, log_in, demo_company):
    log_in("rep1@demo.accord", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()

    expect(page).to_have_url(re.compile(r"/inbox/$"))
    waiting = page.locator('[data-testid="lead"]:has([data-testid="status"]:text-is("Waiting"))')
    expect(waiting.first).to_be_visible()
    assert waiting.count() >= 2
    first, second = waiting.nth(0), waiting.nth(1)
    accepted_email = first.get_attribute("data-email")
    rejected_email = second.get_attribute("data-email")
    expect(first.get_by_test_id("clock")).to_contain_text(re.compile(r"h left|Overdue"))

    page.evaluate("window.stillTheSamePage = true")
    first.get_by_role("link").click()
    panel = page.get_by_test_id("panel")
    expect(panel.get_by_test_id("explanation")).to_contain_text(re.compile(r"points, grade"))
    expect(panel).to_contain_text(re.compile(r"due \w{3} \d+ \w{3}, \d\d:\d\d E[SD]T"))
    panel.get_by_role("button", name="Accept").click()
    accepted = page.locator(f'[data-email="{accepted_email}"]')
    expect(accepted.get_by_test_id("status")).to_have_text("Accepted (SAL)")

    rejected = page.locator(f'[data-email="{rejected_email}"]')
    rejected.get_by_role("link").click()
    expect(panel).to_have_attribute("data-handoff", rejected.get_attribute("data-handoff"))
    panel.get_by_label("Reject: reason").select_option(label="No budget")
    panel.get_by_label("Comment").fill("Budget frozen until next year")
    panel.get_by_role("button", name="Reject").click()
    expect(rejected.get_by_test_id("status")).to_have_text("Rejected: No budget")
    assert page.evaluate("window.stillTheSamePage") is True  # swapped in place, no reload
    assert Handoff.objects.get(person__email=rejected_email, status="rejected").comment == (
        "Budget frozen until next year"
    )

    page.get_by_role("button", name="Log out").click()
    log_in("marketer1@demo.accord", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()
    expect(page).to_have_url(re.compile(r"/feedback/$"))
    by_reason = page.get_by_test_id("rejections-by-reason")
    expect(by_reason.get_by_role("img", name="Rejections by reason")).to_be_visible()
    by_reason.get_by_text("The table, with each reason's share").click()
    expect(by_reason.get_by_role("row", name=re.compile("No budget"))).to_be_visible()
    expect(page.get_by_test_id("sla-sales")).to_be_visible()
    expect(page.get_by_test_id("sla-marketing")).to_be_visible()


def test_the_sales_head_hands_the_waiting_mqls_to_reps(page, log_in, demo_company):
    from accord.handoff.selectors import pool_mqls

    waiting = pool_mqls().count()
    assert waiting  # the demo's rescore made MQLs that no capture routed
    log_in("sales.head@demo.accord", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()

    expect(page.get_by_test_id("pool")).to_contain_text(f"{waiting} MQL")
    page.get_by_role("button", name=re.compile("to reps")).click()

    expect(page.get_by_text(re.compile(r"Handed \d+ MQLs? from the pool to reps"))).to_be_visible()
    expect(page.get_by_test_id("pool")).to_have_count(0)
    assert not pool_mqls().exists()


def test_a_captured_lead_appears_in_the_reps_inbox_once_the_worker_routes_it(
    page, log_in, transactional_db, marketer, marketing_head, sales_head, sales_team, rep
):
    version = do_create_draft(marketer, QUICK_MQL)
    do_sign(version, marketing_head)
    do_sign(version, sales_head)
    AccountFactory(domain="northwind.example", industry="Software", employee_count=250)
    rule = RoutingRule.objects.create(
        position=10, kind=RoutingRule.Kind.ROUND_ROBIN, team=sales_team
    )
    RoutingMember.objects.create(rule=rule, user=rep)
    key = do_create_token(marketer, "website", ApiToken.Scope.CAPTURE)[1]
    log_in(rep.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    expect(page.get_by_test_id("lead")).to_have_count(0)

    answer = page.request.post(
        "/api/v1/leads",
        data={"email": "ann@northwind.example", "first_name": "Ann", "last_name": "Lee"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.json()["status"] == "received"
    do_process_all_waiting()  # what `accord worker` does as the capture arrives
    page.reload()

    lead = page.locator('[data-email="ann@northwind.example"]')
    expect(lead.get_by_test_id("status")).to_have_text("Waiting")
    lead.get_by_role("link").click()
    expect(page.get_by_test_id("panel-times")).to_contain_text(
        re.compile(r"Captured .+ handed over")
    )
