"""The demo company comes with two assessment rounds whose results are shown, not hidden."""

import datetime as dt

import pytest

from accord.alignment.models import AssessmentRound
from accord.alignment.selectors import get_results
from accord.demo.alignment import seed_demo
from accord.demo.personas import do_create_personas, do_create_teams

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def demo_people():
    return do_create_personas(do_create_teams())


def test_two_rounds_answered_by_everybody_in_both_teams(demo_people):
    rows = seed_demo(TODAY, 7)

    assert rows == {
        "alignment.assessmentround": 2,
        "alignment.assessmentresponse": 18,
        "alignment.rating": 360,
    }
    results = get_results()
    assert results.round.number == 2 and not results.round.is_open
    assert (results.sales.respondents, results.marketing.respondents) == (5, 4)
    assert not (results.sales.hidden or results.marketing.hidden or results.overall.hidden)


def test_the_trend_rises_from_defined_to_aligned(demo_people):
    seed_demo(TODAY, 7)

    first, second = get_results().trend

    assert first.overall.stage == "Defined"
    assert second.overall.stage == "Aligned"
    assert second.overall.mean_total > first.overall.mean_total
    assert second.sales.mean_total > first.sales.mean_total


def test_sales_doubts_lead_the_perception_gaps(demo_people):
    seed_demo(TODAY, 7)
    round_one = get_results().trend[0]

    gaps = get_results().gaps

    assert round_one.marketing.mean_total > round_one.sales.mean_total
    assert all(g.gap is not None for g in gaps)
    assert abs(gaps[0].gap) >= abs(gaps[-1].gap)


def test_the_same_seed_gives_the_same_answers(demo_people):
    seed_demo(TODAY, 7)
    first = [p.overall.mean_total for p in get_results().trend]

    AssessmentRound.objects.all().delete()
    seed_demo(TODAY, 7)

    assert [p.overall.mean_total for p in get_results().trend] == first
