"""The demo company comes with its joint plan filled in."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.planning.models import BuyingStage, CampaignPlan, CampaignRating
from accord.planning.selectors import get_notice, get_notice_days
from accord.touchpoints.models import Campaign

pytestmark = pytest.mark.django_db


def _load(seed: int) -> None:
    call_command("demo", "--no-serve", "--size", "tiny", "--seed", str(seed), "--reset",
                 stdout=StringIO(), stderr=StringIO())  # fmt: skip


def test_the_demo_has_plans_at_each_step_of_sign_off_and_rep_ratings(client):
    _load(7)
    assert BuyingStage.objects.count() == 6
    states = {
        plan.campaign.name.split(" (")[0]: get_notice(
            plan, plan.campaign.start_date, get_notice_days()
        ).state
        for plan in CampaignPlan.objects.select_related("campaign")
    }
    assert states == {
        "Product launch webinar": "in_time",
        "Customer summit": "unsigned",
        "Year-end price promotion": "late",
    }
    summit = CampaignPlan.objects.get(campaign__name__startswith="Customer summit")
    assert summit.marketing_signed_at and summit.sales_signed_at is None
    ratings = CampaignRating.objects.select_related("campaign")
    assert ratings.count() > 10
    assert {r.campaign.status for r in ratings} <= {"active", "completed"}
    assert {r.useful for r in ratings} == {True, False}
    assert all(r.rated_at <= timezone.now() for r in ratings)

    client.login(email="marketing.head@demo.accord", password="accord-demo")
    page = client.get("/planning/campaigns/")
    assert page.status_code == 200
    assert b"days before launch: 14 are needed" in page.content


def test_the_same_seed_gives_the_same_ratings():
    def ratings():
        return sorted(
            CampaignRating.objects.values_list("campaign__name", "rep__email", "useful", "comment")
        )

    _load(3)
    first = ratings()
    _load(3)
    assert ratings() == first
    assert Campaign.objects.filter(status="planned").count() == 3
