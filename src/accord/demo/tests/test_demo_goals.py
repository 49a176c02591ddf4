"""The demo company comes with its shared goals, plan, ideas, sign-ups and last week's meeting."""

import datetime as dt

import pytest

from accord.demo.services import do_load_demo
from accord.goals import selectors as s
from accord.goals.models import CampaignIdea, Meeting, RevenueGoal, Rotation
from accord.goals.people import liaisons

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def test_the_demo_fills_the_goals_and_meeting_pages():
    do_load_demo(seed=7, size="tiny", progress=False, today=TODAY)

    quarters = [goal.name for goal in RevenueGoal.objects.all()]
    assert quarters == ["Q4 2026", "Q3 2026"]
    assert [s.goal_payouts(goal).plan.number for goal in RevenueGoal.objects.all()] == [2, 1]
    assert CampaignIdea.objects.exists()
    assert Rotation.objects.count() == 2
    meeting = Meeting.objects.get()
    assert meeting.held_on == TODAY - dt.timedelta(days=7)
    assert [item.done_at is not None for item in meeting.action_items.order_by("id")] == [
        True,
        False,
        False,
    ]
    assert {person.team_kind for person in liaisons()} == {"sales", "marketing"}


def test_the_demo_is_the_same_from_the_same_seed():
    do_load_demo(seed=3, size="tiny", progress=False, today=TODAY)
    first = sorted(CampaignIdea.objects.values_list("campaign__name", "person__email"))

    do_load_demo(seed=3, size="tiny", progress=False, today=TODAY, reset=True)

    assert sorted(CampaignIdea.objects.values_list("campaign__name", "person__email")) == first
