"""The README's promises about what Accord refuses and keeps to itself, one test each, named by
the promise."""

import json

import pytest

from accord.api import api
from accord.crm.models import Person
from accord.mindset.services import do_answer, do_close_round, do_start_round
from accord.teams.tokens import do_create_token
from tests.test_settings import run_accord


def test_readme_promise_unknown_fields_are_refused_with_422_naming_the_field(client, admin_user):
    schema = api.get_openapi_schema()
    inputs = {
        body["$ref"].rsplit("/", 1)[-1]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for body in [
            operation.get("requestBody", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema", {})
        ]
        if "$ref" in body
    }
    headers = {"Authorization": f"Bearer {do_create_token(admin_user)[1]}"}
    body = {"email": "ann@northwind.example", "shoe_size": 42}

    response = client.post("/api/v1/people", body, "application/json", headers=headers)

    open_inputs = [
        name
        for name in inputs
        if schema["components"]["schemas"][name].get("additionalProperties") is not False
    ]
    assert open_inputs == [], "the schema documents these inputs as taking any field"
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "shoe_size"]
    assert Person.objects.count() == 0


def test_readme_promise_a_body_over_accord_max_body_bytes_is_refused_with_413(
    client, admin_user, settings, tmp_path
):
    read = run_accord(
        "manage",
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)",
        env_overrides={"ACCORD_MAX_BODY_BYTES": "4096"},
        tmp_path=tmp_path,
    )
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = int(read.stdout.strip().splitlines()[-1])
    headers = {"Authorization": f"Bearer {do_create_token(admin_user)[1]}"}
    big = {"email": "ann@northwind.example", "first_name": "x" * 5000}
    client.force_login(admin_user)

    api_answer = client.post("/api/v1/people", json.dumps(big), "application/json", headers=headers)
    page_answer = client.post("/mindset/rounds/start/", {"title": "x" * 5000})

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 4096
    assert (api_answer.status_code, page_answer.status_code) == (413, 413)
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_readme_promise_shared_mindset_answers_never_say_who_wrote_them(
    client, sales_head, admin_user, sales_team
):
    from accord.teams.models import User

    round = do_start_round(sales_head)
    for n, wording in enumerate(["Fastest onboarding", "Cheapest", "Best support"]):
        person = User.objects.create_user(
            f"answerer{n}@example.com",
            team=sales_team,
            role=User.Role.REP,
            full_name=f"Answerer Number{n}",
        )
        do_answer(person, {"first": wording, "second": "Quality", "third": "Reliable"})
    do_close_round(sales_head, round.pk)

    for reader in (sales_head, admin_user):
        client.force_login(reader)
        headers = {"Authorization": f"Bearer {do_create_token(reader)[1]}"}
        page = client.get("/mindset/").content.decode()
        results = client.get("/api/v1/mindset/results", headers=headers).content.decode()
        for shown in (page, results):
            assert "Cheapest" in shown  # heads read the wordings that disagree ...
            assert "answerer" not in shown.lower()  # ... never who wrote them
            assert "Number" not in shown
