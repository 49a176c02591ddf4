"""Experiments over JSON: marketing starts one, everyone reads its lift, a sending tool reads
the exposed people."""

import pytest
from tests.factories import CampaignFactory, PersonFactory

from .scenes import arm, assigned_by_hand, audience, won

pytestmark = pytest.mark.django_db


@pytest.fixture
def forty_people():
    audience({("Software", "EMEA"): 20, ("Retail", "APAC"): 20})


def test_marketing_starts_an_experiment(api_as, marketer, forty_people):
    campaign = CampaignFactory()
    answer = api_as(marketer).post(
        "/experiments",
        {"campaign_id": campaign.pk, "held_out_share": "0.25", "seed": 9, "minimum_effect": "0.05"},
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["exposed"]["people"], body["held_out"]["people"]) == (30, 10)
    assert body["seed"] == 9 and body["campaign"] == campaign.name
    assert body["lift"]["detectable"] == 0.05


def test_a_rep_is_refused(api_as, rep, forty_people):
    answer = api_as(rep).post(
        "/experiments", {"campaign_id": CampaignFactory().pk, "held_out_share": "0.1"}
    )
    assert answer.status_code == 403


def test_a_second_experiment_on_a_campaign_conflicts(api_as, marketer, forty_people):
    body = {"campaign_id": CampaignFactory().pk, "held_out_share": "0.1"}
    assert api_as(marketer).post("/experiments", body).status_code == 201
    assert api_as(marketer).post("/experiments", body).status_code == 409


@pytest.mark.parametrize(
    "change",
    [{"held_out_share": "0.6"}, {"held_out_share": "0"}, {"seed": -1}, {"campaign_id": 999999}],
)
def test_bad_input_is_named(api_as, marketer, forty_people, change):
    body = {"campaign_id": CampaignFactory().pk, "held_out_share": "0.1"} | change
    answer = api_as(marketer).post("/experiments", body)
    assert answer.status_code == 422
    assert next(iter(change)) in str(answer.json()["detail"])


def test_the_lift_reads_as_measured(api_as, sales_head):
    experiment = assigned_by_hand(exposed=10, held_out=10)
    for person in arm(experiment, held_out=False)[:4] + arm(experiment, held_out=True)[:2]:
        won(person)
    body = api_as(sales_head).get(f"/experiments/{experiment.pk}").json()
    assert body["exposed"] == {"people": 10, "converted": 4, "revenue": 4000.0}
    assert body["lift"]["conversion_rate"]["estimate"] == pytest.approx(0.2)
    assert body["lift"]["revenue_per_person"]["estimate"] == pytest.approx(200)


def test_the_exposed_list_holds_no_held_out_person(api_as, marketer):
    experiment = assigned_by_hand(exposed=3, held_out=2)
    PersonFactory()  # in no arm
    body = api_as(marketer).get(f"/experiments/{experiment.pk}/exposed").json()
    assert {p["id"] for p in body["items"]} == {p.pk for p in arm(experiment, held_out=False)}
    assert body["count"] == 3
