import datetime as dt
import io

import pytest
from django.core.management import call_command
from tests.factories import AccountFactory, CampaignFactory, PersonFactory

from accord.agreement.models import LeadScore
from accord.audit.models import AuditEntry
from accord.capture.idempotency import do_forget_old_submissions
from accord.capture.models import CaptureSubmission
from accord.crm.models import Account, LifecycleChange, Person
from accord.teams.tokens import do_create_token
from accord.touchpoints.models import Touchpoint

LEAD = {
    "email": "Ann.Lee@Northwind.example",
    "first_name": "Ann",
    "last_name": "Lee",
    "title": "VP Marketing",
    "company": "Northwind",
    "utm_source": "google",
    "utm_medium": "cpc",
    "utm_campaign": "spring-launch",
    "page": "/demo",
    "referrer": "https://www.google.com/",
    "form_name": "Book a demo",
}


def test_a_new_lead_makes_a_person_an_account_and_a_form_fill_and_is_scored(
    capture, agreement_in_force
):
    campaign = CampaignFactory(utm_campaign="spring-launch")

    response = capture.routed("/leads", LEAD)

    assert response.status_code == 201, response.json()
    answer = response.json()
    person = Person.objects.get(pk=answer["person_id"])
    assert (person.email, person.first_name, person.original_source) == (
        "Ann.Lee@Northwind.example",
        "Ann",
        "paid_search",
    )
    assert (person.account.name, person.account.domain) == ("Northwind", "northwind.example")
    touch = Touchpoint.objects.get(pk=answer["touchpoint_id"])
    assert (touch.person, touch.kind, touch.channel, touch.campaign) == (
        person,
        "form_fill",
        "paid_search",
        campaign,
    )
    assert touch.form_fill.form_name == "Book a demo"
    score = LeadScore.objects.get(person=person)
    assert score.version == agreement_in_force
    assert (answer["score"], answer["grade"]) == (score.total, score.fit_grade)
    assert answer["lifecycle_stage"] == person.lifecycle_stage
    assert LifecycleChange.objects.filter(person=person, from_stage="").exists()


def test_the_same_email_in_another_letter_case_is_the_same_person(capture):
    first = capture.post("/leads", LEAD).json()
    again = capture.post("/leads", {**LEAD, "email": "ann.lee@NORTHWIND.example"})

    assert again.status_code == 200
    assert again.json()["person_id"] == first["person_id"]
    assert Person.objects.count() == 1
    assert Touchpoint.objects.filter(person_id=first["person_id"]).count() == 2


def test_a_known_person_keeps_their_details_and_gets_the_blanks_filled(capture):
    known = PersonFactory(
        email="ann.lee@northwind.example", first_name="Annie", title="", account=None
    )

    answer = capture.post("/leads", LEAD).json()

    known.refresh_from_db()
    assert answer["person_id"] == known.pk
    assert (known.first_name, known.title) == ("Annie", "VP Marketing")
    assert answer["account_id"] == known.account.pk and known.account.name == "Northwind"


def test_a_new_persons_first_stage_is_in_their_history_and_the_audit_trail_once(capture, marketer):
    made = capture.post("/leads", LEAD, key="first").json()
    again = capture.post("/leads", {**LEAD, "page": "/pricing"}, key="second").json()

    assert (made["created"], again["created"]) == (True, False)
    change = LifecycleChange.objects.get(person_id=made["person_id"])
    assert (change.from_stage, change.to_stage, change.changed_by, change.reason) == (
        "",
        "lead",
        marketer,
        "lead capture",
    )
    entry = AuditEntry.objects.get(record_type="person", record_id=str(made["person_id"]))
    assert (entry.actor_id, entry.field, entry.old_value, entry.new_value, entry.reason) == (
        marketer.pk,
        "lifecycle_stage",
        "",
        "lead",
        "lead capture",
    )
    assert entry.at == change.changed_at
    assert entry.request_id  # the request's, as on its log line


def test_a_known_person_is_touched_only_where_a_blank_is_filled(capture):
    northwind = AccountFactory(domain="northwind.example")
    known = PersonFactory(email="ann.lee@northwind.example", first_name="Ann", account=northwind)
    before = Person.objects.get(pk=known.pk).updated_at

    capture.post("/leads", {"email": LEAD["email"], "first_name": "Annie"})
    unchanged = Person.objects.get(pk=known.pk)
    capture.post("/leads", {"email": LEAD["email"], "phone": "+44 20 7946 0000"})
    filled = Person.objects.get(pk=known.pk)

    assert (unchanged.first_name, unchanged.updated_at) == ("Ann", before)
    assert filled.phone == "+44 20 7946 0000" and filled.updated_at > before


def test_the_company_domain_finds_the_account_and_free_mail_makes_none(capture):
    account = AccountFactory(domain="contoso.example")

    by_domain = capture.post(
        "/leads", {"email": "bo@gmail.com", "company_domain": "CONTOSO.example"}
    ).json()
    free_mail = capture.post("/leads", {"email": "cy@gmail.com", "company": "Cy Ltd"}).json()

    assert by_domain["account_id"] == account.pk
    assert free_mail["account_id"] is None
    assert Account.objects.count() == 1


def test_without_an_agreement_in_force_the_lead_is_kept_unscored(capture):
    answer = capture.post("/leads", LEAD).json()
    assert (answer["score"], answer["lifecycle_stage"]) == (None, "lead")


def test_a_retry_with_the_same_key_answers_the_first_answer_and_writes_nothing(capture):
    first = capture.post("/leads", LEAD, key="form-123")
    retry = capture.post("/leads", LEAD, key="form-123")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert (Person.objects.count(), Touchpoint.objects.count()) == (1, 1)


def test_the_same_key_with_another_body_is_refused(capture):
    capture.post("/leads", LEAD, key="form-123")

    response = capture.post("/leads", {**LEAD, "first_name": "Anne"}, key="form-123")

    assert response.status_code == 409
    assert "Idempotency-Key" in response.json()["detail"][0]["loc"]
    assert "different request" in response.json()["detail"][0]["msg"]
    assert Touchpoint.objects.count() == 1


def test_an_identical_submission_without_a_key_is_recorded_once_within_the_window(
    capture, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    first = capture.post("/leads", LEAD)
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 5, tzinfo=dt.UTC))
    twice = capture.post("/leads", LEAD)

    assert twice.json() == first.json()
    assert Touchpoint.objects.count() == 1

    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 20, tzinfo=dt.UTC))
    later = capture.post("/leads", LEAD)

    assert later.status_code == 200
    assert later.json()["touchpoint_id"] != first.json()["touchpoint_id"]
    assert Touchpoint.objects.count() == 2


def test_a_key_past_its_lifetime_is_taken_afresh(capture, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    first = capture.post("/leads", LEAD, key="form-123").json()

    time_machine.move_to(dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC))
    other = capture.post("/leads", {**LEAD, "page": "/pricing"}, key="form-123")
    retry = capture.post("/leads", {**LEAD, "page": "/pricing"}, key="form-123")

    assert other.status_code == 200
    assert other.json()["touchpoint_id"] != first["touchpoint_id"]
    assert retry.json() == other.json()
    assert Touchpoint.objects.count() == 2
    assert CaptureSubmission.objects.count() == 1


def test_old_answers_are_forgotten(capture, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    capture.post("/leads", LEAD, key="kept-a-day")
    capture.post("/leads", {**LEAD, "page": "/pricing"})

    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC))
    assert do_forget_old_submissions() == 1
    time_machine.move_to(dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC))
    assert do_forget_old_submissions() == 1
    assert not CaptureSubmission.objects.exists()


def test_the_forget_command_deletes_answers_past_their_window(capture, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    capture.post("/leads", LEAD)
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC))
    out = io.StringIO()

    call_command("capture", "forget", stdout=out)

    assert out.getvalue().strip() == "Forgot 1 stored capture answer"
    assert not CaptureSubmission.objects.exists()


@pytest.mark.parametrize("persona", ["marketer", "rep", "sales_head", "admin_user"])
def test_a_personal_token_captures_like_a_capture_key(capture, persona, request):
    """Every role may create people, so a full token may capture a lead too."""
    personal = do_create_token(request.getfixturevalue(persona))[1]

    response = capture.post("/leads", LEAD, secret=personal)

    assert response.status_code == 201, response.json()
    assert Person.objects.get().email == LEAD["email"]


def test_a_capture_key_elsewhere_is_refused_for_its_scope_and_an_unknown_key_is_unknown(
    client, capture, capture_key
):
    people = client.get("/api/v1/people", headers={"Authorization": f"Bearer {capture_key}"})
    no_key = capture.post("/leads", LEAD, secret="acc_nonsense")

    assert people.status_code == 403
    assert 'error="insufficient_scope"' in people["WWW-Authenticate"]
    assert people.json()["detail"][0]["type"] == "insufficient_scope"
    assert no_key.status_code == 401
    assert no_key["WWW-Authenticate"].startswith("Bearer")
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": "Ann"}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@b.example", "company_domain": "not a domain"}, "company_domain"),
        ({"email": "a@b.example", "occurred_at": "2026-03-02T09:00:00"}, "occurred_at"),
        ({"email": "a@b.example", "owner_id": 1}, "owner_id"),
        ({"email": "a@b.example", "utm_source": "x" * 256}, "utm_source"),
    ],
)
def test_bad_input_names_the_field_and_records_nothing(capture, body, field):
    response = capture.post("/leads", body)

    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == field and detail["msg"]
    assert not Person.objects.exists()


def test_unreadable_json_and_an_overlong_key_are_refused(capture):
    assert capture.post("/leads", "{not json").status_code in (400, 422)
    response = capture.post("/leads", LEAD, key="k" * 256)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert not Person.objects.exists()
