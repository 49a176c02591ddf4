"""The shared goal and the joint meeting in a real browser."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accord.crm.models import PipelineStage
from accord.goals.meetings import do_add_action_item, do_record_meeting
from accord.goals.plan import check_plan
from accord.goals.services import do_save_plan, do_set_goal
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.browser

PLAN = {
    "rate": "0.05",
    "threshold": "0.8",
    "split": {"sales": "60", "marketing": "40"},
    "accelerators": [{"above": "1", "multiplier": "1.5"}],
}


@pytest.fixture
def won_quarter(transactional_db, sales_head, marketing_head, rep, other_rep):
    """Goal 100,000; won 120,000 today. Pool 1,000.00 + 1,500.00 = 2,500.00; Sales gets 60%,
    1,500.00, shared by Sam, Ray and Rita: 500.00 each."""
    today = timezone.localdate()
    do_set_goal(sales_head, period="quarter", day=today, amount=Decimal("100000"))
    do_save_plan(marketing_head, check_plan(PLAN))
    OpportunityFactory(amount=Decimal("120000"), stage=PipelineStage.CLOSED_WON, close_date=today)
    meeting = do_record_meeting(
        sales_head, held_on=today - dt.timedelta(days=7), title="Weekly sales and marketing"
    )
    do_add_action_item(sales_head, meeting, text="Call back the bad-timing leads", owner=rep)


def test_a_rep_sees_their_own_payout(page, log_in, won_quarter, rep):
    log_in(rep.email)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Goals").click()

    expect(page).to_have_url(re.compile(r"/goals/$"))
    expect(page.get_by_test_id("goal-progress")).to_contain_text(
        "Won $120,000.00 of the $100,000.00"
    )
    expect(page.get_by_role("img", name="Won revenue against the shared goal")).to_be_visible()
    rows = page.get_by_test_id("payouts").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ray Rep")
    expect(rows.first.locator("td").last).to_have_text("$500.00")


def test_a_head_opens_the_meeting_page_with_its_agenda(page, log_in, won_quarter, sales_head):
    log_in(sales_head.email)
    page.goto("/goals/")

    page.get_by_role("link", name="The joint meeting").click()

    expect(page).to_have_url(re.compile(r"/meetings/$"))
    agenda = page.get_by_test_id("agenda")
    for heading in [
        "Progress to the shared goal",
        "SLA breaches",
        "Top rejection reasons",
        "Campaigns in flight",
        "Open action items",
    ]:
        expect(agenda.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_test_id("agenda-goal")).to_contain_text("(120%)")
    expect(page.get_by_test_id("agenda-items")).to_contain_text(
        "Call back the bad-timing leads — Ray Rep"
    )
    expect(page.get_by_test_id("meeting")).to_contain_text("Weekly sales and marketing")
