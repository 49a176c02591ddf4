"""The assessment over JSON: answer, read the results (aggregates and my own answers), rounds."""

import pytest

from accord.alignment.services import do_answer, do_close_round, do_open_round
from accord.alignment.tests.conftest import uniform

pytestmark = pytest.mark.django_db


def test_a_rep_answers_and_reads_back_their_own_answers(api_as, rep, open_round):
    response = api_as(rep).post("/alignment/answers", {"ratings": uniform(3)})

    assert response.status_code == 200
    assert response.json()["total"] == 60
    assert response.json()["stage"] == "Aligned"
    mine = api_as(rep).get("/alignment/results").json()["mine"]
    assert mine["ratings"]["respect"] == 3


def test_answering_again_replaces_the_answers(api_as, rep, open_round):
    api_as(rep).post("/alignment/answers", {"ratings": uniform(3)})
    api_as(rep).post("/alignment/answers", {"ratings": uniform(5)})

    rounds = api_as(rep).get("/alignment/rounds").json()

    assert rounds[0]["respondents"] == 1
    assert api_as(rep).get("/alignment/results").json()["mine"]["total"] == 100


def test_an_incomplete_questionnaire_is_refused_naming_each_missing_statement(
    api_as, rep, open_round
):
    ratings = uniform(3, **{"shared-targets": 9})
    del ratings["one-team"]

    response = api_as(rep).post("/alignment/answers", {"ratings": ratings})

    assert response.status_code == 422
    problems = {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}
    assert problems == {
        "ratings.one-team": "Not rated: S20 Successes and failures belong to both teams rather "
        "than being blamed on one.",
        "ratings.shared-targets": "Rate from 1 to 5, not 9",
    }


def test_answering_with_no_round_open_answers_409(api_as, rep):
    response = api_as(rep).post("/alignment/answers", {"ratings": uniform(3)})

    assert response.status_code == 409
    assert "No assessment round is open" in response.json()["detail"]


def test_an_admin_outside_the_teams_does_not_answer(api_as, admin_user, open_round):
    response = api_as(admin_user).post("/alignment/answers", {"ratings": uniform(3)})

    assert response.status_code == 403


def test_a_head_reads_aggregates_and_nothing_for_a_small_team(
    api_as, sales_head, colleagues, open_round
):
    for person in colleagues("sales", 3):
        do_answer(person, uniform(4))
    for person in colleagues("marketing", 2):
        do_answer(person, uniform(2))
    do_close_round(sales_head)

    body = api_as(sales_head).get("/alignment/results").json()

    assert body["sales"] == {
        "name": "Sales",
        "respondents": 3,
        "mean_total": 80.0,
        "stage": "Integrated",
        "hidden_reason": None,
    }
    assert body["marketing"]["mean_total"] is None
    assert body["marketing"]["hidden_reason"] == "fewer than 3 answers"
    assert body["overall"]["mean_total"] is None
    assert {g["sales_mean"] for g in body["gaps"]} == {4.0}
    assert {g["marketing_mean"] for g in body["gaps"]} == {None}
    assert body["mine"] is None
    assert "ratings" not in str(body["gaps"]) and "email" not in str(body)


def test_results_of_an_earlier_round_and_the_trend(api_as, rep, sales_head, colleagues):
    people = colleagues("sales", 3) + colleagues("marketing", 3)
    do_open_round(sales_head)
    for person in people:
        do_answer(person, uniform(2))
    do_close_round(sales_head)
    do_open_round(sales_head)
    for person in people:
        do_answer(person, uniform(3, **{"shared-credit": 5}))

    first = api_as(rep).get("/alignment/results", round=1).json()
    current = api_as(rep).get("/alignment/results").json()

    assert (first["round"]["number"], first["overall"]["stage"]) == (1, "Defined")
    assert first["next_steps"][0]["title"] == "Start job shadowing and name a liaison"
    assert (current["round"]["status"], current["published"]) == ("open", False)
    assert [p["overall"]["mean_total"] for p in current["trend"]] == [40.0, None]
    assert current["sales"]["hidden_reason"] == "published when the round closes"
    assert (current["sales"]["respondents"], current["sales"]["mean_total"]) == (3, None)
    assert current["gaps"] == [] and current["mine"] is None
    assert api_as(rep).get("/alignment/results", round=7).status_code == 404


def test_the_schema_lists_the_alignment_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert {"/api/v1/alignment/rounds", "/api/v1/alignment/results"} <= set(paths)
    assert "post" in paths["/api/v1/alignment/answers"]


def test_answers_cannot_name_someone_else(api_as, rep, other_rep, open_round):
    body = {"ratings": uniform(3), "respondent": other_rep.pk}

    response = api_as(rep).post("/alignment/answers", body)

    assert response.status_code == 422
    assert api_as(rep).get("/alignment/rounds").json()[0]["respondents"] == 0
