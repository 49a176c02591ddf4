"""The campaign's page: marketing holds out part of its audience there and reads the split."""

import pytest
from tests.factories import CampaignFactory

from accord.experiments.models import Experiment

from .scenes import audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def forty_people():
    audience({("Software", "EMEA"): 20, ("Retail", "APAC"): 20})


def test_marketing_holds_out_a_share_from_the_campaign_page(client, marketer, forty_people):
    campaign = CampaignFactory()
    client.force_login(marketer)
    url = f"/planning/campaigns/{campaign.pk}/"
    assert "Hold out part of the audience" in client.get(url).content.decode()
    answer = client.post(f"{url}holdout/", {"held_out_percent": "25", "seed": "3"}, follow=True)
    page = answer.content.decode()
    assert "10 people are held out of" in page and "30 may be sent it" in page
    assert "10 of 40 eligible people" in page and "seed 3" in page
    assert "Hold out part of the audience" not in page


def test_a_share_over_half_is_refused_beside_its_field(client, marketer, forty_people):
    campaign = CampaignFactory()
    client.force_login(marketer)
    answer = client.post(f"/planning/campaigns/{campaign.pk}/holdout/", {"held_out_percent": "60"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "There is a problem" in page
    assert "less than or equal to 50" in page
    assert not Experiment.objects.exists()


def test_a_rep_sees_no_holdout_form_and_may_not_post_one(client, rep, forty_people):
    campaign = CampaignFactory()
    client.force_login(rep)
    assert "Hold out part" not in client.get(f"/planning/campaigns/{campaign.pk}/").content.decode()
    answer = client.post(f"/planning/campaigns/{campaign.pk}/holdout/", {"held_out_percent": "10"})
    assert answer.status_code == 403
