"""The shared mindset in a real browser: a rep names three advantages, a head closes the round
and sees the flag."""

import re

import pytest
from playwright.sync_api import expect

from accord.mindset.services import do_answer, do_start_round
from accord.teams.models import User

pytestmark = pytest.mark.browser


def test_a_rep_answers_and_the_head_sees_the_consensus_and_the_flag(
    page, log_in, rep, other_rep, rep3, sales_head, marketer, marketing_team
):
    do_start_round(sales_head, "Spring check")
    do_answer(other_rep, {"first": "Quality", "second": "Great service", "third": "Reliable"})
    do_answer(rep3, {"first": "High quality", "second": "Support", "third": "Dependable"})
    for n in range(2):
        colleague = User.objects.create_user(
            f"marketer{n + 5}@demo.accord", team=marketing_team, role=User.Role.MARKETER
        )
        do_answer(colleague, {"first": "Cheapest", "second": "Innovative", "third": "Simple"})

    log_in(rep.email)
    page.get_by_role("link", name="Mindset").click()
    page.get_by_test_id("answer-link").click()
    page.get_by_label("First advantage").fill("Built to last")
    page.get_by_label("Second advantage").fill("Customer service")
    page.get_by_label("Third advantage").fill("")
    page.get_by_role("button", name="Save my answers").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary.get_by_role("link", name="The third advantage is missing")).to_be_visible()
    expect(page.locator("#id_third_error")).to_contain_text("The third advantage is missing")
    page.get_by_label("Third advantage").fill("Never breaks")
    page.get_by_role("button", name="Save my answers").click()
    expect(page).to_have_url(re.compile(r"/mindset/$"))
    expect(page.get_by_text("your three advantages are saved in Spring check")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(sales_head.email)
    page.goto("/mindset/")
    expect(page.get_by_test_id("withheld")).to_contain_text("published when it closes")
    expect(page.get_by_test_id("answers-so-far")).to_have_text("5 answers so far.")
    page.get_by_role("button", name="Close Spring check").click()
    expect(page.get_by_text("Spring check is closed: its results are published.")).to_be_visible()
    expect(page.get_by_test_id("consensus")).to_contain_text("Quality")
    expect(page.get_by_test_id("consensus")).to_contain_text("Reliability")
    expect(page.get_by_test_id("flag-everyone")).to_contain_text("60% match")
    expect(page.get_by_test_id("flag-everyone")).to_contain_text("No shared mindset")
    expect(page.get_by_test_id("flag-sales")).to_contain_text("Shared mindset")
    expect(page.get_by_test_id("disagreements")).to_contain_text("“Cheapest”")
    expect(page.get_by_test_id("disagreements")).not_to_contain_text(rep.email)
