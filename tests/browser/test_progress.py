"""Work that takes more than a moment shows progress while the server works, and a second click
cannot send it again."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_suggesting_a_draft_shows_progress_while_the_server_works(page, log_in, marketing_head):
    log_in(marketing_head.email)
    page.goto("/agreement/")
    # The page is kept from leaving, so it can be read as it stands while the server works
    # (Playwright reads nothing while a navigation is pending). The window hears the submit
    # after the page's own listener, as a slow answer would leave it.
    page.evaluate("window.addEventListener('submit', (event) => event.preventDefault())")
    form = page.get_by_test_id("suggest")
    button = form.get_by_role("button", name="Suggest a draft from history")

    button.click()

    status = form.get_by_role("status")
    expect(status).to_contain_text("Fitting a draft to history")
    expect(status.get_by_role("progressbar", name="Fitting a draft to history")).to_be_visible()
    expect(form).to_have_attribute("aria-busy", "true")
    expect(button).to_be_disabled()
