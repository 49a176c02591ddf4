"""Results: stage per team and overall, the perception gap, the trend, the next steps, and
nothing shown for a group of fewer than three people."""

import pytest

from accord.alignment.selectors import TOO_FEW, WITHHELD, get_results
from accord.alignment.services import do_answer, do_close_round, do_open_round
from accord.alignment.tests.conftest import answers, uniform

pytestmark = pytest.mark.django_db


def _answer(people, ratings):
    for person in people:
        do_answer(person, ratings)


def _closed_results(head):
    do_close_round(head)
    return get_results()


def test_an_open_round_publishes_nothing_one_answer_could_be_worked_out_from(
    colleagues, open_round, sales_head
):
    """Figures noted before and after one colleague answered must not give away their ratings:
    while the round is open there are none, only how many answered."""
    sales, marketing = colleagues("sales", 4), colleagues("marketing", 3)
    _answer(sales[:3] + marketing, uniform(3))
    before = get_results()
    do_answer(sales[3], uniform(5, **{"shared-credit": 1}))

    after = get_results()

    assert not after.published and not before.published
    assert (before.sales.respondents, after.sales.respondents) == (3, 4)
    groups = (after.sales, after.marketing, after.overall)
    assert all(g.mean_total is None and g.withheld for g in groups)
    assert after.gaps == [] and after.next_steps == ()
    assert [(p.number, p.published) for p in after.trend] == [(1, False)]
    assert WITHHELD == "published when the round closes"

    closed = _closed_results(sales_head)

    assert closed.published and closed.sales.mean_total == 69.0


def test_stage_per_team_and_overall_from_the_mean_total(colleagues, open_round, sales_head):
    sales, marketing = colleagues("sales", 3), colleagues("marketing", 3)
    for person, total in zip(sales, (41, 45, 49), strict=True):  # mean 45
        do_answer(person, answers(total))
    for person, total in zip(marketing, (78, 80, 85), strict=True):  # mean 81
        do_answer(person, answers(total))

    results = _closed_results(sales_head)

    assert (results.sales.mean_total, results.sales.stage) == (45.0, "Defined")
    assert (results.marketing.mean_total, results.marketing.stage) == (81.0, "Integrated")
    assert (results.overall.mean_total, results.overall.stage) == (63.0, "Aligned")
    assert [s.title for s in results.next_steps] == [
        "Split Marketing into upstream and downstream",
        "Share revenue goals and rewards",
    ]


def test_the_perception_gap_lists_the_widest_first(colleagues, open_round, sales_head):
    sales, marketing = colleagues("sales", 3), colleagues("marketing", 3)
    _answer(sales, uniform(3, **{"shared-credit": 1, "field-feedback": 5}))
    _answer(marketing, uniform(3, **{"shared-credit": 4, "field-feedback": 4}))
    do_answer(sales[0], uniform(3, **{"shared-credit": 2, "field-feedback": 5}))

    gaps = _closed_results(sales_head).gaps

    assert gaps[0].statement.key == "shared-credit"
    assert (gaps[0].sales, gaps[0].marketing, gaps[0].gap) == (1.33, 4.0, -2.67)
    assert (gaps[1].statement.key, gaps[1].gap) == ("field-feedback", 1.0)
    assert {g.gap for g in gaps[2:]} == {0.0}
    assert len(gaps) == 20


def test_a_team_of_fewer_than_three_answers_shows_nothing(colleagues, open_round, sales_head):
    _answer(colleagues("sales", 2), uniform(1))
    _answer(colleagues("marketing", 3), uniform(4))

    results = _closed_results(sales_head)

    assert results.sales.hidden and results.sales.stage is None
    assert results.sales.respondents == 2
    assert results.marketing.mean_total == 80.0
    assert all(g.sales is None and g.gap is None for g in results.gaps)
    assert all(g.marketing == 4.0 for g in results.gaps)


def test_the_overall_figure_hides_when_it_would_reveal_a_small_team(
    colleagues, open_round, sales_head
):
    """Overall (two reps and three marketers) minus Marketing would give the two reps' mean."""
    _answer(colleagues("sales", 2), uniform(1))
    _answer(colleagues("marketing", 3), uniform(4))

    results = _closed_results(sales_head)

    assert results.overall.respondents == 5
    assert results.overall.hidden
    assert results.next_steps == ()
    assert TOO_FEW == "fewer than 3 answers"


def test_one_team_alone_is_the_overall_figure(colleagues, open_round, sales_head):
    _answer(colleagues("marketing", 3), uniform(2))

    results = _closed_results(sales_head)

    assert (results.overall.mean_total, results.overall.stage) == (40.0, "Defined")
    assert results.sales.respondents == 0 and results.sales.hidden


def test_the_trend_shows_each_round(colleagues, sales_head):
    sales, marketing = colleagues("sales", 3), colleagues("marketing", 4)
    do_open_round(sales_head)
    _answer(sales + marketing, uniform(2))
    do_close_round(sales_head)
    do_open_round(sales_head)
    _answer(sales + marketing[:2], uniform(4))

    trend = _closed_results(sales_head).trend

    assert [(p.number, p.overall.mean_total, p.overall.stage) for p in trend] == [
        (1, 40.0, "Defined"),
        (2, None, None),
    ]
    assert [p.sales.mean_total for p in trend] == [40.0, 80.0]
    assert [p.marketing.respondents for p in trend] == [4, 2]


def test_before_any_answer_there_are_no_results(open_round):
    results = get_results()

    assert results.overall.hidden
    assert all(g.gap is None for g in results.gaps)
    assert [p.number for p in results.trend] == [1]


def test_no_round_yet(db):
    results = get_results()

    assert results.round is None and results.trend == []
