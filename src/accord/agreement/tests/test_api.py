"""The agreement over JSON: read versions, propose, comment, sign, backtest; refusals say why."""

import pytest

from accord.agreement.models import AgreementVersion
from accord.agreement.services import do_create_draft, do_sign
from accord.agreement.tests.conftest import document_data
from accord.teams.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(signed_in_force, marketer, marketing_head):
    version = do_create_draft(marketer, document_data(threshold={"min_total": 65}))
    return do_sign(version, marketing_head)


def test_anybody_reads_the_versions_and_the_one_in_force(api_as, rep, draft):
    api = api_as(rep)

    listed = api.get("/agreement/versions").json()
    in_force = api.get("/agreement/in-force").json()

    assert [(v["number"], v["status"]) for v in listed] == [(2, "draft"), (1, "in_force")]
    assert listed[0]["signatures"][0]["team"] == "marketing"
    assert in_force["number"] == 1
    assert in_force["plain_language"]["qualified"].startswith(
        "A lead is qualified when its fit grade is B or better and its score is at least 75"
    )


def test_a_version_comes_with_its_diff_against_the_version_in_force(api_as, rep, draft):
    body = api_as(rep).get("/agreement/versions/2").json()

    assert body["compared_with"] == 1
    assert body["diff"] == ["MQL score threshold: 75 → 65 points"]
    assert body["document"]["threshold"]["min_total"] == 65


def test_an_unknown_version_is_404(api_as, rep, signed_in_force):
    response = api_as(rep).get("/agreement/versions/7")

    assert response.status_code == 404
    assert response.json() == {"detail": "Agreement v7 does not exist"}


def test_no_agreement_in_force_is_404(api_as, rep):
    assert api_as(rep).get("/agreement/in-force").status_code == 404


def test_a_marketer_proposes_a_draft(api_as, marketer, signed_in_force):
    response = api_as(marketer).post(
        "/agreement/versions", {"document": document_data(sla={"mqls_per_month": 80})}
    )

    assert response.status_code == 201
    assert response.json()["number"] == 2
    assert response.json()["diff"] == ["MQLs Marketing commits to per month: 50 → 80"]


def test_an_invalid_document_is_refused_field_by_field(api_as, marketer, signed_in_force):
    document = document_data(engagement={"half_life_days": 0}, threshold={"min_grade": "E"})

    response = api_as(marketer).post("/agreement/versions", {"document": document})

    assert response.status_code == 422
    fields = {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}
    assert fields == {
        "document.engagement.half_life_days": "Input should be greater than 0",
        "document.threshold.min_grade": "Input should be 'A', 'B', 'C' or 'D'",
    }
    assert AgreementVersion.objects.count() == 1


def test_somebody_outside_both_teams_may_not_propose(api_as, signed_in_force):
    outsider = User.objects.create_user("finance@demo.accord", password="x", team=None)

    response = api_as(outsider).post("/agreement/versions", {"document": document_data()})

    assert response.status_code == 403
    assert "Only members of the marketing or sales team" in response.json()["detail"]


def test_comments_are_added_and_empty_ones_refused(api_as, marketer, draft):
    api = api_as(marketer)

    made = api.post("/agreement/versions/2/comments", {"body": "Why 65?"})
    empty = api.post("/agreement/versions/2/comments", {"body": " "})

    assert made.status_code == 201
    assert made.json()["body"] == "Why 65?"
    assert empty.status_code == 422
    assert empty.json() == {"detail": "A comment needs some text"}
    assert api.get("/agreement/versions/2").json()["comments"][0]["body"] == "Why 65?"


def test_the_sales_head_signs_and_the_draft_is_in_force(api_as, sales_head, draft):
    response = api_as(sales_head).post("/agreement/versions/2/sign", {})

    assert response.status_code == 200
    assert response.json()["status"] == "in_force"
    assert api_as(sales_head).get("/agreement/in-force").json()["number"] == 2


def test_a_rep_may_not_sign(api_as, rep, draft):
    response = api_as(rep).post("/agreement/versions/2/sign", {})

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the marketing head and the sales head can sign"}


def test_signing_twice_is_a_conflict(api_as, marketing_head, draft):
    response = api_as(marketing_head).post("/agreement/versions/2/sign", {})

    assert response.status_code == 409
    assert response.json() == {"detail": "The marketing head has already signed v2"}


def test_the_backtest_compares_the_draft_with_the_version_in_force(api_as, rep, draft):
    response = api_as(rep).get("/agreement/versions/2/backtest", months=3)

    body = response.json()
    assert (body["version"], body["in_force"], len(body["months"])) == (2, 1, 3)
    assert set(body["months"][0]["version"]) == {
        "mqls",
        "sql",
        "opportunity",
        "won",
        "sql_share",
        "opportunity_share",
        "won_share",
        "revenue",
        "revenue_currency",
        "unconverted",
        "rejected",
        "let_through",
    }
    assert body["months"][0]["in_force"]["revenue"] == "0.00"
    assert body["months"][0]["in_force"]["revenue_currency"] == "USD"


def test_the_backtest_refuses_a_period_out_of_range(api_as, rep, draft):
    response = api_as(rep).get("/agreement/versions/2/backtest", months=40)

    assert response.status_code == 422
