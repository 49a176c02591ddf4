"""The shared mindset over JSON: results without names, my three advantages."""

import pytest
from tests.factories import CampaignFactory

from accord.mindset.services import do_answer, do_close_round
from accord.mindset.tests.conftest import three

pytestmark = pytest.mark.django_db


def test_a_rep_posts_and_reads_their_answers(api_as, rep, open_round):
    caller = api_as(rep)

    posted = caller.post("/mindset/answers", three("Quality", "Service", "Reliable"))
    again = caller.post("/mindset/answers", three("Price", "Service", "Reliable"))

    assert posted.status_code == 200 and again.status_code == 200
    assert caller.get("/mindset/answers/mine").json()["first"] == "Price"


def test_a_blank_advantage_is_refused_naming_the_field(api_as, rep, open_round):
    response = api_as(rep).post("/mindset/answers", three("Quality", " ", "Reliable"))

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "second"
    assert response.json()["detail"][0]["msg"] == "The second advantage is missing"


def test_answers_need_an_open_round_and_a_team(api_as, rep, admin_user):
    assert api_as(rep).post("/mindset/answers", three("a", "b", "c")).status_code == 409
    assert api_as(admin_user).post("/mindset/answers", three("a", "b", "c")).status_code == 403


def test_results_carry_the_flag_per_team_and_the_wordings_only_for_heads(
    api_as, rep, sales_head, colleagues, open_round
):
    for person in colleagues("sales", 3):
        do_answer(person, three("Quality", "Great service", "Reliable"))
    for person in colleagues("marketing", 2):
        do_answer(person, three("Cheapest", "Innovative", "Easy to use"))
    do_close_round(sales_head, open_round.pk)

    as_head = api_as(sales_head).get("/mindset/results").json()
    as_rep = api_as(rep).get("/mindset/results").json()

    assert as_head["overall"]["percent"] == 60 and as_head["overall"]["shared_mindset"] is False
    assert as_head["sales"]["shared_mindset"] is True
    assert as_head["marketing"]["shared_mindset"] is False
    assert [n["label"] for n in as_head["marketing"]["top"]][0] == "Ease of use"
    assert {"Cheapest"} <= {w for d in as_head["disagreements"] for w in d["wordings"]}
    assert as_rep["disagreements"] is None


def test_no_round_answers_empty_results_and_an_unknown_round_404(api_as, rep):
    assert api_as(rep).get("/mindset/results").json()["round"] is None
    assert api_as(rep).get("/mindset/results", round=77).status_code == 404


def test_a_marketer_sets_the_advantage_a_campaign_promotes(api_as, marketer):
    campaign = CampaignFactory()

    response = api_as(marketer).patch(f"/campaigns/{campaign.pk}", {"advantage": "Lowest price"})

    assert response.status_code == 200
    assert response.json()["advantage"] == "Lowest price"
