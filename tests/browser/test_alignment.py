"""The relationship assessment in a real browser: a rep answers it, a head reads the results."""

import re

import pytest
from playwright.sync_api import expect

from accord.alignment.services import do_answer, do_close_round, do_open_round
from accord.alignment.statements import statements_of
from accord.teams.models import User

pytestmark = pytest.mark.browser


def _every(score: int, **overrides: int) -> dict[str, int]:
    return {s.key: score for s in statements_of()} | overrides


def _members(team, role, prefix: str, count: int) -> list[User]:
    return [
        User.objects.create_user(f"{prefix}{i}@example.com", team=team, role=role)
        for i in range(count)
    ]


def test_a_rep_answers_the_assessment(page, log_in, rep, sales_head):
    do_open_round(sales_head)

    log_in(rep.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alignment").click()
    page.get_by_role("link", name="Answer the assessment (Round 1 is open)").click()
    statements = statements_of()
    for statement in statements[:-1]:
        page.get_by_test_id(f"statement-{statement.key}").get_by_label("4 Agree").check()
    page.get_by_role("button", name="Save my answers").click()

    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("Not rated yet:")
    expect(problem).to_contain_text(f"S20 {statements[-1].text}")
    expect(page.get_by_test_id("statement-shared-targets").get_by_label("4 Agree")).to_be_checked()
    last = page.get_by_test_id(f"statement-{statements[-1].key}")
    last.get_by_label("5 Strongly agree").check()
    page.get_by_role("button", name="Save my answers").click()

    expect(page).to_have_url(re.compile(r"/alignment/$"))
    expect(page.get_by_text("Thank you: your answers to Round 1 are saved.")).to_be_visible()
    expect(page.get_by_test_id("my-answers")).to_contain_text("Your total: 81 of 100, Integrated.")
    expect(page.get_by_test_id("stage-sales")).to_contain_text(
        "1 answer so far, published when the round closes"
    )


def test_a_head_views_the_stage_and_the_gap_chart(
    page, log_in, sales_head, marketing_head, sales_team, marketing_team
):
    reps = _members(sales_team, User.Role.REP, "seller", 3)
    marketers = _members(marketing_team, User.Role.MARKETER, "writer", 3)
    do_open_round(sales_head)
    for person in reps + marketers:
        do_answer(person, _every(2))
    do_close_round(sales_head)
    do_open_round(sales_head)
    for person in reps:
        do_answer(person, _every(3, **{"shared-credit": 1}))
    for person in marketers:
        do_answer(person, _every(4, **{"shared-credit": 4}))
    do_close_round(sales_head)

    log_in(marketing_head.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alignment").click()

    expect(page.get_by_test_id("stage-overall")).to_contain_text("Aligned")
    expect(page.get_by_test_id("stage-sales")).to_contain_text("Defined")
    expect(page.get_by_test_id("stage-marketing")).to_contain_text("Integrated")
    gaps = page.get_by_role("img", name=re.compile("Perception gap per statement"))
    expect(gaps).to_be_visible()
    expect(gaps.locator("g.bar")).to_have_count(20)
    expect(gaps.locator("g.bar").first).to_contain_text(
        "Marketing higher: When a deal is won, both teams get credit for it."
    )
    expect(page.get_by_test_id("next-steps")).to_contain_text(
        "Split Marketing into upstream and downstream"
    )
    trend = page.get_by_role("img", name=re.compile("Mean total per round"))
    expect(trend.locator("g.bar")).to_have_count(6)
    expect(page.get_by_test_id("my-answers")).to_have_count(0)

    page.get_by_role("navigation", name="Rounds").get_by_role("link", name="1").click()
    expect(page.get_by_role("heading", name=re.compile("Round 1 \\(closed"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?round=1$"))
    expect(page.get_by_test_id("stage-overall")).to_contain_text("Defined")
