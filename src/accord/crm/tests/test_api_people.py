import datetime as dt

import time_machine
from tests.factories import AccountFactory, PersonFactory

from accord.crm.models import LifecycleChange, LifecycleStage, Person


def _ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_a_rep_sees_their_own_people_and_the_pool_not_another_reps(api_as, rep, other_rep):
    mine = PersonFactory(owner=rep)
    pool = PersonFactory(owner=None)
    theirs = PersonFactory(owner=other_rep)
    api = api_as(rep)

    assert _ids(api.get("/people")) == {mine.pk, pool.pk}
    assert api.get(f"/people/{mine.pk}").json()["email"] == mine.email
    assert api.get(f"/people/{theirs.pk}").status_code == 404
    assert api.patch(f"/people/{theirs.pk}", {"title": "CEO"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title != "CEO"


def test_another_reps_person_looks_exactly_like_a_missing_one(api_as, rep, other_rep):
    theirs = PersonFactory(owner=other_rep)
    api = api_as(rep)

    hidden = api.get(f"/people/{theirs.pk}")
    missing = api.get(f"/people/{theirs.pk + 1000}")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(str(theirs.pk), "N") == missing.json()["detail"].replace(
        str(theirs.pk + 1000), "N"
    )


def test_the_sales_head_sees_the_whole_sales_team(api_as, sales_head, rep, other_rep, marketer):
    owned_by_reps = {PersonFactory(owner=rep).pk, PersonFactory(owner=other_rep).pk}
    pool = PersonFactory(owner=None).pk
    marketers = PersonFactory(owner=marketer).pk

    seen = _ids(api_as(sales_head).get("/people"))

    assert seen == owned_by_reps | {pool}
    assert marketers not in seen


def test_marketers_and_the_marketing_head_read_every_person(
    api_as, marketer, marketing_head, rep, other_rep
):
    everyone = {PersonFactory(owner=rep).pk, PersonFactory(owner=other_rep).pk}
    everyone.add(PersonFactory(owner=None).pk)

    assert _ids(api_as(marketer).get("/people")) == everyone
    assert _ids(api_as(marketing_head).get("/people")) == everyone


def test_an_admin_reads_and_changes_everything(api_as, admin_user, rep, marketer):
    people = [PersonFactory(owner=rep), PersonFactory(owner=marketer), PersonFactory()]
    api = api_as(admin_user)

    assert _ids(api.get("/people")) == {p.pk for p in people}
    response = api.patch(f"/people/{people[0].pk}", {"owner_id": marketer.pk})
    assert response.status_code == 200
    assert response.json()["owner_id"] == marketer.pk


def test_a_marketer_changes_marketing_fields_of_a_reps_person(api_as, marketer, rep):
    person = PersonFactory(owner=rep, lifecycle_stage=LifecycleStage.LEAD)

    response = api_as(marketer).patch(
        f"/people/{person.pk}",
        {"lifecycle_stage": "mql", "lead_status": "nurture", "original_source": "webinar"},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["lifecycle_stage"], body["lead_status"], body["owner_id"]) == (
        "mql",
        "nurture",
        rep.pk,
    )
    change = LifecycleChange.objects.get(person=person)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("lead", "mql", marketer)


def test_a_marketer_cannot_set_an_owner(api_as, marketer, rep):
    person = PersonFactory(owner=None)

    response = api_as(marketer).patch(f"/people/{person.pk}", {"owner_id": rep.pk, "title": "VP"})

    assert response.status_code == 403
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "owner_id"]
    assert "marketing may not update" in error["msg"]
    person.refresh_from_db()
    assert (person.owner, person.title) == (None, "Head of Operations")


def test_a_rep_takes_a_person_from_the_pool_but_cannot_hand_one_to_a_colleague(
    api_as, rep, other_rep
):
    pooled = PersonFactory(owner=None)
    api = api_as(rep)

    refused = api.patch(f"/people/{pooled.pk}", {"owner_id": other_rep.pk})
    taken = api.patch(f"/people/{pooled.pk}", {"owner_id": rep.pk})

    assert refused.status_code == 403
    assert refused.json()["detail"][0]["loc"][-1] == "owner_id"
    assert taken.status_code == 200
    assert taken.json()["owner_id"] == rep.pk


def test_the_sales_head_assigns_within_the_sales_team_only(api_as, sales_head, other_rep, marketer):
    person = PersonFactory(owner=None)
    api = api_as(sales_head)

    assert api.patch(f"/people/{person.pk}", {"owner_id": marketer.pk}).status_code == 403
    assert api.patch(f"/people/{person.pk}", {"owner_id": other_rep.pk}).status_code == 200
    assert Person.objects.get(pk=person.pk).owner == other_rep


def test_a_person_created_by_a_rep_is_theirs_and_starts_its_history(api_as, rep):
    account = AccountFactory(owner=rep)

    response = api_as(rep).post(
        "/people",
        {"email": " Dana@Example.com ", "first_name": "Dana", "account_id": account.pk},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["owner_id"], body["account_id"]) == (
        "Dana@Example.com",
        rep.pk,
        account.pk,
    )
    assert body["lifecycle_stage"] == "lead"
    person = Person.objects.get(pk=body["id"])
    assert [(c.from_stage, c.to_stage, c.changed_by) for c in person.lifecycle_changes.all()] == [
        ("", "lead", rep)
    ]


def test_a_person_created_by_a_marketer_lands_in_the_pool(api_as, marketer):
    response = api_as(marketer).post("/people", {"email": "new@lead.example"})

    assert response.status_code == 201
    assert response.json()["owner_id"] is None


def test_an_email_that_exists_in_another_case_is_a_conflict(api_as, rep, other_rep):
    PersonFactory(email="ann@acme.example", owner=other_rep)

    response = api_as(rep).post("/people", {"email": "ANN@Acme.example"})

    assert response.status_code == 409
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "email"
    assert "already exists" in error["msg"]
    assert Person.objects.count() == 1


def test_changing_an_email_to_one_in_use_is_a_conflict(api_as, rep):
    PersonFactory(email="taken@acme.example")
    person = PersonFactory(owner=rep, email="free@acme.example")

    response = api_as(rep).patch(f"/people/{person.pk}", {"email": "Taken@acme.example"})

    assert response.status_code == 409
    person.refresh_from_db()
    assert person.email == "free@acme.example"


def test_a_rep_cannot_link_a_person_to_an_account_they_cannot_see(api_as, rep, other_rep):
    person = PersonFactory(owner=rep)
    hidden = AccountFactory(owner=other_rep)

    response = api_as(rep).patch(f"/people/{person.pk}", {"account_id": hidden.pk})

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "account_id"]
    assert error["msg"] == f"No account with id {hidden.pk}"


def test_people_are_filtered_by_stage_owner_and_update_time(api_as, admin_user, rep):
    with time_machine.travel(dt.datetime(2026, 1, 5, tzinfo=dt.UTC)):
        old_mql = PersonFactory(lifecycle_stage="mql", owner=rep)
    with time_machine.travel(dt.datetime(2026, 3, 5, tzinfo=dt.UTC)):
        new_mql = PersonFactory(lifecycle_stage="mql", owner=None)
        new_lead = PersonFactory(lifecycle_stage="lead", owner=rep)
    api = api_as(admin_user)

    assert _ids(api.get("/people", lifecycle_stage="mql")) == {old_mql.pk, new_mql.pk}
    assert _ids(api.get("/people", owner_id=rep.pk)) == {old_mql.pk, new_lead.pk}
    assert _ids(api.get("/people", unassigned="true")) == {new_mql.pk}
    since = api.get("/people", updated_since="2026-02-01T00:00:00Z")
    assert _ids(since) == {new_mql.pk, new_lead.pk}
    assert _ids(api.get("/people", email=old_mql.email.upper())) == {old_mql.pk}


def test_the_people_list_is_paginated_with_a_total(api_as, admin_user):
    people = PersonFactory.create_batch(7)
    api = api_as(admin_user)

    page = api.get("/people", limit=3, offset=3).json()

    assert page["count"] == 7
    assert [p["id"] for p in page["items"]] == [p.pk for p in people[3:6]]
    assert api.get("/people", limit=0).status_code == 422


def test_listing_people_takes_a_fixed_number_of_queries(api_as, rep, django_assert_max_num_queries):
    PersonFactory.create_batch(40, owner=rep)
    api = api_as(rep)
    api.get("/people")  # the token's first use is recorded once

    with django_assert_max_num_queries(3):
        response = api.get("/people", limit=100)

    assert response.json()["count"] == 40


def test_times_are_iso_8601_in_utc(api_as, admin_user):
    with time_machine.travel(dt.datetime(2026, 4, 1, 12, 30, tzinfo=dt.UTC), tick=False):
        person = PersonFactory()

    body = api_as(admin_user).get(f"/people/{person.pk}").json()

    assert body["created_at"] == "2026-04-01T12:30:00Z"
    assert body["updated_at"] == "2026-04-01T12:30:00Z"
