"""The demo company comes with a closed shared-mindset round that shows a disagreement, and an
open one whose results wait for its close."""

import datetime as dt

import pytest
from tests.factories import CampaignFactory

from accord.demo.mindset import seed_demo
from accord.demo.personas import do_create_personas, do_create_teams
from accord.mindset.models import Round
from accord.mindset.selectors import get_results

pytestmark = pytest.mark.django_db


def test_the_demo_closed_round_is_answered_by_both_teams_and_shows_the_message_differs():
    do_create_personas(do_create_teams())
    CampaignFactory.create_batch(6)

    rows = seed_demo(dt.date(2026, 11, 1), 7)
    found = get_results(_closed())
    still_open = get_results(Round.objects.get(is_open=True))

    sales, marketing = found.result.teams
    assert rows["mindset.round"] == 2 and rows["mindset.answer"] >= 10
    assert sales.people >= 3 and marketing.people >= 3
    assert found.result.overall.shared_mindset is False
    assert found.result.headline.startswith("Marketing's campaigns sell on price and value")
    assert still_open.result is None and still_open.answers == 4


def test_the_demo_rounds_are_the_same_for_the_same_seed():
    do_create_personas(do_create_teams())
    seed_demo(dt.date(2026, 11, 1), 7)
    first = [a.advantages for a in _closed().answers.order_by("answered_at", "id")]
    Round.objects.all().delete()
    seed_demo(dt.date(2026, 11, 1), 7)

    assert [a.advantages for a in _closed().answers.order_by("answered_at", "id")] == first


def _closed() -> Round:
    return Round.objects.get(is_open=False)
