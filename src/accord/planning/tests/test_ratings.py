"""Reps rate campaigns and their material; marketing reads every rating, a rep their own."""

import pytest
from tests.factories import CampaignFactory

from accord.planning.selectors import list_ratings
from accord.planning.services import NotAllowed, PlanningRefused, do_rate_campaign, do_sign_plan
from accord.touchpoints.models import Campaign


@pytest.fixture
def running(db):
    return CampaignFactory(name="Case study series", status=Campaign.Status.ACTIVE)


def test_a_second_rating_replaces_the_first(running, rep):
    do_rate_campaign(rep, running, True, "Customers quote it back to me")
    do_rate_campaign(rep, running, False, "  The price sheet is out of date  ")
    (rating,) = running.ratings.all()
    assert (rating.useful, rating.comment) == (False, "The price sheet is out of date")


def test_marketing_reads_every_rating_and_a_rep_their_own(
    running, rep, other_rep, marketer, sales_head
):
    do_rate_campaign(rep, running, True)
    do_rate_campaign(other_rep, running, False, "Wrong industry")
    assert {r.rep for r in list_ratings(marketer, running)} == {rep, other_rep}
    assert {r.rep for r in list_ratings(sales_head, running)} == {rep, other_rep}
    assert [r.rep for r in list_ratings(other_rep, running)] == [other_rep]


@pytest.mark.parametrize("who", ["marketer", "sales_head", "marketing_head"])
def test_only_reps_rate(running, who, request):
    with pytest.raises(NotAllowed, match="Sales reps rate campaigns"):
        do_rate_campaign(request.getfixturevalue(who), running, True)


def test_a_campaign_sales_has_not_met_cannot_be_rated(plan, campaign, rep, marketing_head):
    with pytest.raises(PlanningRefused, match="has not reached sales yet"):
        do_rate_campaign(rep, campaign, True)
    do_sign_plan(marketing_head, campaign)
    with pytest.raises(PlanningRefused):
        do_rate_campaign(rep, campaign, True)


def test_an_announced_plan_can_be_rated_before_launch(
    plan, campaign, rep, marketing_head, sales_head
):
    do_sign_plan(marketing_head, campaign)
    do_sign_plan(sales_head, campaign)
    assert do_rate_campaign(rep, campaign, True, "Good talk track").useful
