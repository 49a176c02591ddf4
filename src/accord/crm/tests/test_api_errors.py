"""Bad input answers 4xx naming the field and the reason, never 500, and changes nothing."""

import pytest
from tests.factories import PersonFactory

from accord.crm.models import Person


def _errors(response):
    return {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}


def test_a_field_the_api_does_not_offer_is_refused_by_name(api_as, rep):
    person = PersonFactory(owner=rep)

    response = api_as(rep).patch(f"/people/{person.pk}", {"title": "CTO", "created_at": "2020"})

    assert response.status_code == 422
    assert _errors(response) == {
        ("body", "payload", "created_at"): "Extra inputs are not permitted"
    }
    person.refresh_from_db()
    assert person.title == "Head of Operations"


def test_mass_assignment_of_ids_and_history_is_refused(api_as, rep):
    response = api_as(rep).post("/people", {"email": "a@b.example", "id": 1, "updated_at": "x"})

    assert response.status_code == 422
    assert set(_errors(response)) == {
        ("body", "payload", "id"),
        ("body", "payload", "updated_at"),
    }
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid e-mail address"),
        ({"email": "a@b.example", "is_decision_maker": "perhaps"}, "is_decision_maker", "boolean"),
        ({"email": "a@b.example", "lifecycle_stage": "hot"}, "lifecycle_stage", "'mql'"),
        ({"email": "a@b.example", "first_name": "x" * 101}, "first_name", "at most 100"),
        ({"email": "a@b.example", "account_id": "seven"}, "account_id", "integer"),
        ({"email": None}, "email", "valid string"),
        ({"first_name": "Ann"}, "email", "Field required"),
    ],
)
def test_wrong_values_name_the_field_and_the_reason(api_as, rep, body, field, reason):
    response = api_as(rep).post("/people", body)

    assert response.status_code == 422
    errors = _errors(response)
    assert list(errors) == [("body", "payload", field)]
    assert reason in errors[("body", "payload", field)]
    assert not Person.objects.exists()


def test_null_for_a_field_that_must_have_a_value_is_refused(api_as, rep):
    person = PersonFactory(owner=rep)

    response = api_as(rep).patch(f"/people/{person.pk}", {"email": None, "lead_status": None})

    assert response.status_code == 422
    assert set(_errors(response)) == {
        ("body", "payload", "email"),
        ("body", "payload", "lead_status"),
    }


@pytest.mark.parametrize("body", ['{"email": "a@b.example"', "not json", b"\xff\xfe"])
def test_malformed_json_is_a_bad_request(api_as, rep, body):
    response = api_as(rep).post("/people", body)

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}


@pytest.mark.parametrize("body", ["[]", '"a@b.example"', "42", "null"])
def test_json_that_is_not_an_object_is_refused(api_as, rep, body):
    response = api_as(rep).post("/people", body)

    assert response.status_code in (400, 422)
    assert response.json()["detail"]
    assert not Person.objects.exists()


def test_an_empty_body_is_refused(api_as, rep):
    response = api_as(rep).post("/people", "")

    assert response.status_code == 422


def test_a_naive_time_in_a_filter_is_refused(api_as, rep):
    response = api_as(rep).get("/people", updated_since="2026-01-01T00:00:00")

    assert response.status_code == 422
    assert _errors(response) == {("query", "updated_since"): "Input should have timezone info"}


@pytest.mark.parametrize("path", ["/people/abc", "/people/99999", "/nothing-here"])
def test_unknown_paths_and_ids_answer_not_found(api_as, rep, path):
    response = api_as(rep).get(path)

    assert response.status_code in (404, 422)
    assert response.status_code != 500


def test_an_unknown_id_answers_404_with_a_message(api_as, rep):
    response = api_as(rep).get("/people/99999")

    assert response.status_code == 404
    assert response.json() == {"detail": "No person with id 99999"}


def test_an_owner_who_does_not_exist_is_named(api_as, admin_user):
    person = PersonFactory()

    response = api_as(admin_user).patch(f"/people/{person.pk}", {"owner_id": 424242})

    assert response.status_code == 422
    assert _errors(response) == {("body", "payload", "owner_id"): "No active user with id 424242"}


def test_a_huge_id_is_not_a_server_error(api_as, rep):
    response = api_as(rep).get(f"/people/{2**70}")

    assert response.status_code in (404, 422)


def test_a_duplicate_that_slips_past_the_check_is_a_conflict_not_a_crash(api_as, rep, monkeypatch):
    """Two requests racing with the same e-mail: the second meets the database constraint."""
    from accord.crm import services

    PersonFactory(email="race@acme.example")
    monkeypatch.setattr(services, "check_email_free", lambda email, exclude_pk=None: None)

    response = api_as(rep).post("/people", {"email": "RACE@acme.example"})

    assert response.status_code == 409
    assert "nothing was saved" in response.json()["detail"]
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": 10**20}, "offset"),
        ({"limit": 501}, "limit"),
        ({"owner_id": 2**70}, "owner_id"),
        ({"account_id": -1}, "account_id"),
    ],
)
def test_out_of_range_numbers_in_a_list_query_are_named(api_as, admin_user, params, field):
    response = api_as(admin_user).get("/people", **params)

    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["detail"]] == [field]


def test_an_out_of_range_id_in_a_body_is_named(api_as, admin_user):
    response = api_as(admin_user).post("/people", {"email": "a@b.example", "account_id": 2**70})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "account_id"]
    assert not Person.objects.exists()
