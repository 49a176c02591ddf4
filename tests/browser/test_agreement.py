"""Signing the agreement in a real browser: the second head's signature puts a draft in force."""

import re

import pytest
from playwright.sync_api import expect

from accord.agreement.services import do_create_draft, do_sign
from accord.agreement.tests.conftest import document_data

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
    page.get_by_role("link", name="Agreement").click()
    page.get_by_role("link", name=f"v{draft.number}", exact=True).click()
    expect(page.get_by_test_id("diff")).to_contain_text("MQL score threshold: 75 → 65 points")
    expect(page.get_by_test_id("signatures")).to_contain_text("Maria Head for marketing")
    page.get_by_role("button", name=f"Sign v{draft.number}").click()

    expect(page).to_have_url(re.compile(r"/agreement/$"))
    expect(page.get_by_text(f"You signed v{draft.number}; it is now in force.")).to_be_visible()
    expect(page.get_by_test_id("in-force")).to_contain_text(f"Version {draft.number} is in force")
    expect(page.get_by_test_id("qualified")).to_contain_text("its score is at least 65")
