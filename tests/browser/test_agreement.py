"""The agreement in a real browser: a draft proposed through the editor, and the second head's
signature putting a draft in force."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accord.agreement.services import do_create_draft, do_sign
from accord.agreement.tests.conftest import document_data
from accord.touchpoints.models import Touchpoint
from tests.factories import AccountFactory, PersonFactory, TouchpointFactory

pytestmark = pytest.mark.browser


def test_the_sales_head_signs_the_draft_and_sees_it_in_force(
    page, log_in, marketer, marketing_head, sales_head
):
    current = do_create_draft(marketer, document_data())
    do_sign(current, marketing_head)
    do_sign(current, sales_head)
    draft = do_sign(
        do_create_draft(marketer, document_data(threshold={"min_total": 65})), marketing_head
    )

    log_in(sales_head.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreement").click()
    page.get_by_role("link", name=f"v{draft.number}", exact=True).click()
    expect(page.get_by_test_id("diff")).to_contain_text("MQL score threshold: 75 → 65 points")
    expect(page.get_by_test_id("signatures")).to_contain_text("Maria Head for marketing")
    page.get_by_role("button", name=f"Sign v{draft.number}").click()

    expect(page).to_have_url(re.compile(r"/agreement/$"))
    expect(page.get_by_text(f"You signed v{draft.number}; it is now in force.")).to_be_visible()
    expect(page.get_by_test_id("in-force")).to_contain_text(f"Version {draft.number} is in force")
    expect(page.get_by_test_id("qualified")).to_contain_text("its score is at least 65")


def _lead(fills: int) -> None:
    """A Software company of 500 in EMEA: 60 fit points; a recent form fill adds 20 (40 at most)."""
    person = PersonFactory(account=AccountFactory(industry="Software", employee_count=500))
    for _ in range(fills):
        TouchpointFactory(
            person=person,
            kind=Touchpoint.Kind.FORM_FILL,
            occurred_at=timezone.now() - dt.timedelta(hours=1),
        )


def test_a_marketer_proposes_a_stricter_lead_definition_that_both_heads_sign(
    page, log_in, marketer, marketing_head, sales_head
):
    current = do_create_draft(marketer, document_data())
    do_sign(current, marketing_head)
    do_sign(current, sales_head)
    _lead(fills=2)  # 100 points: an MQL at 75 and at 90
    _lead(fills=1)  # 80 points: an MQL at 75 only, until a core region adds 10
    _lead(fills=0)  # 60 points

    log_in(marketer.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreement").click()
    page.get_by_role("link", name="Propose a draft").click()
    expect(page.get_by_test_id("draft-mqls")).to_have_text("2")
    expect(page.get_by_test_id("in-force-mqls")).to_have_text("2")

    page.get_by_label("MQL score threshold (points)").fill("90")
    page.get_by_label("MQL score threshold (points)").press("Tab")
    expect(page.get_by_test_id("draft-mqls")).to_have_text("1")
    expect(page.get_by_test_id("live")).to_contain_text("its score is at least 90")

    page.get_by_role("button", name="Add a fit rule").click()
    rule = page.locator("#fit-2")
    rule.get_by_label("Name").fill("Core region")
    rule.get_by_label("Field").select_option("region")
    rule.get_by_label("Values").select_option(["EMEA"])
    rule.get_by_label("Points").fill("10")
    rule.get_by_label("Points").press("Tab")
    expect(page.get_by_test_id("draft-mqls")).to_have_text("2")
    expect(page.get_by_test_id("live-backtest")).to_be_visible()

    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_text("Draft v2 was created.")).to_be_visible()
    expect(page.get_by_test_id("diff")).to_contain_text("MQL score threshold: 75 → 90 points")
    expect(page.get_by_test_id("plain-language")).to_contain_text("Core region: region is EMEA")

    for head in (marketing_head, sales_head):
        page.get_by_role("button", name="Log out").click()
        log_in(head.email)
        page.goto("/agreement/2/")
        page.get_by_role("button", name="Sign v2").click()
    expect(page.get_by_text("You signed v2; it is now in force.")).to_be_visible()
    expect(page.get_by_test_id("qualified")).to_contain_text("its score is at least 90")
