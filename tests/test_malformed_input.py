"""Hostile and broken input: a clear refusal, bounded memory, and nothing written.

The corpus: a truncated CSV, a header of a million columns, a 10 MB single cell, a binary file,
a huge JSON body and deeply nested JSON.
"""

import json
import tracemalloc

import pytest
from django.core.management import CommandError

from accord.crm.models import Account, Person
from accord.imports.tests.helpers import run_import, snapshot
from accord.teams.models import ApiToken
from accord.teams.tokens import do_create_token
from tests.factories import PersonFactory

HEADER = "Record ID,First Name,Last Name,Email,Company Name,Lifecycle Stage\n"  # HubSpot contacts
GOOD_ROW = "51,Ann,Lee,ann@northwind.example,Northwind,Lead\n"

CSV_CORPUS = {
    "truncated inside a quoted cell": (
        (HEADER + GOOD_ROW + '52,Bob,"Lee,bob@contoso.example').encode(),
        "row 3",
    ),
    "cut in the middle of a row": ((HEADER + GOOD_ROW + "52,Bob").encode(), "row 3"),
    "a 10 MB single cell": (
        (
            HEADER + GOOD_ROW + "52," + "x" * 10_000_000 + ",Lee,bob@contoso.example,Contoso,Lead\n"
        ).encode(),
        "field larger than field limit",
    ),
    "a header of a million columns": (
        (HEADER.strip() + ",x" * 1_000_000 + "\n" + GOOD_ROW).encode(),
        "the header row is longer than",
    ),
    "a header of 300,000 columns": (
        (HEADER.strip() + ",x" * 300_000 + "\n" + GOOD_ROW).encode(),
        "at most 2,000 are read",
    ),
    "binary, not text": (bytes(range(256)) * 64, "is not text (it holds zero bytes)"),
    "empty": (b"", "is empty"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CSV_CORPUS, ids=list(CSV_CORPUS))
def test_a_broken_file_is_refused_with_the_reason_and_writes_nothing(tmp_path, case):
    content, reason = CSV_CORPUS[case]
    PersonFactory(email="kept@example.com")
    before = snapshot()
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)

    tracemalloc.start()
    with pytest.raises(CommandError) as refused:
        run_import(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert reason in str(refused.value) or any(reason in str(e) for e in _row_errors(refused))
    assert snapshot() == before
    assert peak < 64 * 1024 * 1024, f"reading a {len(content)}-byte file held {peak} bytes"


def _row_errors(refused) -> list:
    cause = refused.value.__cause__ or refused.value.__context__
    return getattr(cause, "errors", [])


@pytest.fixture
def capture_headers(marketer):
    key = do_create_token(marketer, "website", ApiToken.Scope.CAPTURE)[1]
    return {"Authorization": f"Bearer {key}"}


def _post(client, headers, body: bytes):
    return client.post("/api/v1/leads", body, content_type="application/json", headers=headers)


LEAD = {"email": "ann@northwind.example", "first_name": "Ann", "company": "Northwind"}


def test_a_huge_json_body_is_refused_before_it_is_read_whole(client, capture_headers):
    body = json.dumps({**LEAD, "last_name": "x" * 20_000_000}).encode()

    response = _post(client, capture_headers, body)

    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert Person.objects.count() == 0


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_is_refused_with_a_clear_error(client, capture_headers, depth):
    body = '{"email": "ann@northwind.example", "first_name": ' + "[" * depth + "]" * depth + "}"

    response = _post(client, capture_headers, body.encode())

    assert 400 <= response.status_code < 500
    assert "detail" in response.json()
    assert Person.objects.count() == Account.objects.count() == 0


# --- values in the query string ---------------------------------------------------------------

TOO_BIG = "1" * 25  # past any 64-bit id: SQLite's driver overflows on it
BAD_QUERY_VALUES = ["abc", TOO_BIG, "-1", "1.5", "²"]
ID_PARAMETERS = ["/goals/?goal=", "/inbox/?rep=", "/mindset/?round=", "/alignment/?round="]


@pytest.mark.parametrize("value", BAD_QUERY_VALUES)
@pytest.mark.parametrize("page", ID_PARAMETERS)
def test_a_page_given_a_bad_id_in_its_query_string_answers_400_naming_it(
    client, sales_head, rep, page, value
):
    client.force_login(sales_head)

    response = client.get(page + value)

    assert response.status_code == 400
    assert page.split("?")[1].rstrip("=") in response.content.decode()


def test_the_api_inbox_refuses_a_rep_id_past_any_record_id(client, sales_head, rep):
    headers = {"Authorization": f"Bearer {do_create_token(sales_head)[1]}"}

    response = client.get(f"/api/v1/inbox?rep_id={TOO_BIG}", headers=headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "rep_id"]


@pytest.mark.parametrize("page", ["/people/?q=a%00b", "/inbox/?rep=1%00", "/goals/?x%00=1"])
def test_a_nul_character_in_a_page_query_answers_400_on_every_engine(client, rep, page):
    client.force_login(rep)

    assert client.get(page).status_code == 400


def test_a_nul_character_in_an_api_query_answers_422_naming_the_parameter(client, admin_user):
    headers = {"Authorization": f"Bearer {do_create_token(admin_user)[1]}"}

    response = client.get("/api/v1/accounts?name=a%00b", headers=headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "name"]


# --- NUL characters in what is written --------------------------------------------------------


def test_a_nul_character_in_an_api_body_is_refused_naming_the_field(client, admin_user):
    headers = {"Authorization": f"Bearer {do_create_token(admin_user)[1]}"}
    body = {"email": "ann@northwind.example", "first_name": "A\x00nn"}

    response = client.post("/api/v1/people", body, content_type="application/json", headers=headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "first_name"]
    assert Person.objects.count() == 0


def test_a_nul_character_deep_in_a_proposed_agreement_is_refused(client, marketer):
    from accord.agreement.defaults import default_document
    from accord.agreement.models import AgreementVersion

    headers = {"Authorization": f"Bearer {do_create_token(marketer)[1]}"}
    document = default_document().model_dump(mode="json")
    document["fit_rules"][0]["any_of"][0] = "Soft\x00ware"

    response = client.post(
        "/api/v1/agreement/versions", {"document": document}, "application/json", headers=headers
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "document"]
    assert AgreementVersion.objects.count() == 0


def test_a_nul_character_in_a_posted_form_is_refused_naming_the_field(client, sales_head):
    from accord.mindset.models import Round

    client.force_login(sales_head)

    response = client.post("/mindset/rounds/start/", {"title": "Spring\x00"})

    assert response.status_code == 400
    assert "title" in response.content.decode()
    assert Round.objects.count() == 0


# --- what the API's inputs accept -------------------------------------------------------------


@pytest.fixture
def head_headers(sales_head):
    return {"Authorization": f"Bearer {do_create_token(sales_head)[1]}"}


def _api_post(client, headers, path, body):
    return client.post(path, body, content_type="application/json", headers=headers)


def test_an_unknown_field_on_a_goal_is_refused_naming_it(client, head_headers):
    from accord.goals.models import RevenueGoal

    body = {"period": "month", "day": "2026-03-01", "amount": "1000", "owner": "me"}

    response = _api_post(client, head_headers, "/api/v1/goals", body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "owner"]
    assert RevenueGoal.objects.count() == 0


def test_an_unknown_field_on_a_comment_is_refused_naming_it(
    client, head_headers, agreement_in_force
):
    path = f"/api/v1/agreement/versions/{agreement_in_force.number}/comments"

    response = _api_post(client, head_headers, path, {"body": "Fine", "pinned": True})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "pinned"]
    assert agreement_in_force.comments.count() == 0


def test_an_unknown_field_on_a_mindset_answer_is_refused_naming_it(client, rep, sales_head):
    from accord.mindset.models import Answer
    from accord.mindset.services import do_start_round

    do_start_round(sales_head)
    headers = {"Authorization": f"Bearer {do_create_token(rep)[1]}"}
    body = {"first": "Speed", "second": "Support", "third": "Price", "fourth": "More"}

    response = _api_post(client, headers, "/api/v1/mindset/answers", body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "fourth"]
    assert Answer.objects.count() == 0


@pytest.mark.parametrize("moment", [0, "0", 1_700_000_000, "2026-03-01T09:30:00"])
def test_a_time_is_iso_8601_with_a_zone_never_a_number(client, admin_user, moment):
    from accord.touchpoints.models import Touchpoint

    person = PersonFactory()
    headers = {"Authorization": f"Bearer {do_create_token(admin_user)[1]}"}
    body = {"person_id": person.pk, "kind": "page_view", "occurred_at": moment}

    response = _api_post(client, headers, "/api/v1/touchpoints", body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "occurred_at"]
    assert Touchpoint.objects.count() == 0


def test_a_blank_email_is_refused_and_the_schema_says_so(client, admin_user):
    headers = {"Authorization": f"Bearer {do_create_token(admin_user)[1]}"}

    response = _api_post(client, headers, "/api/v1/people", {"email": ""})
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "email"]
    assert schema["PersonCreate"]["properties"]["email"]["minLength"] == 1


def test_a_refused_reassignment_names_the_api_field_to_rep_id(
    client, head_headers, sales_team, rep, agreement_in_force
):
    from accord.handoff.models import RoutingMember, RoutingRule
    from accord.handoff.routing import do_route
    from accord.handoff.selectors import terms_in_force
    from accord.handoff.tests.helpers import mql

    rule = RoutingRule.objects.create(position=10, team=sales_team)
    RoutingMember.objects.create(rule=rule, user=rep)
    handoff = do_route(mql(), terms_in_force())
    body = {"to_rep_id": rep.pk}  # already theirs

    response = _api_post(client, head_headers, f"/api/v1/handoffs/{handoff.pk}/reassign", body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "to_rep_id"]
