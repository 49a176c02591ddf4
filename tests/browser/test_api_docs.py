"""The API docs render in the browser from Accord's own assets, under Accord's strict content
security policy (scripts from Accord only)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_docs_list_the_operations_with_no_script_blocked(page, log_in, rep):
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    log_in("rep1@demo.accord")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API docs").click()

    expect(page).to_have_url(re.compile(r"/api/v1/docs$"))
    # the schema of every operation is worked out on the first request: give it time
    expect(page.get_by_role("heading", name=re.compile("Accord API"))).to_be_visible(timeout=60_000)
    expect(page.locator(".opblock").filter(has_text="/api/v1/people").first).to_be_visible()
    assert page.locator(".opblock").count() > 20
    assert blocked == []
    assert (
        "script-src 'self'" in page.request.get("/api/v1/docs").headers["content-security-policy"]
    )
    page.get_by_role("link", name="Back to Accord").click()
    expect(page).to_have_url(re.compile(r"/$"))
