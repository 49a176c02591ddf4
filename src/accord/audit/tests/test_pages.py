"""Admins search the audit trail on /audit/ and through the API; nobody else sees it."""

import pytest
from tests.factories import PersonFactory

from accord.audit.services import record_change
from accord.crm.services import do_update_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(rep, other_rep, sales_head):
    person = PersonFactory(owner=rep)
    do_update_person(person, {"owner": other_rep}, by=sales_head, reason="territory change")
    for n in range(60):
        record_change(
            actor=None, action="changed", record_type="account", record_id=n, field="owner"
        )
    return person


def test_an_admin_finds_who_changed_a_person_s_owner(client, admin_user, history, sales_head):
    client.force_login(admin_user)
    page = client.get("/audit/", {"record_type": "person", "record_id": history.pk})

    assert page.status_code == 200
    text = page.content.decode()
    assert sales_head.email in text
    assert "territory change" in text
    assert "Audit" in [item["label"] for item in page.context["nav"]]


def test_the_search_pages_through_many_entries(client, admin_user, history):
    client.force_login(admin_user)
    first = client.get("/audit/", {"record_type": "account"})
    second = client.get("/audit/", {"record_type": "account", "page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 10
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize("persona", ["rep", "marketing_head", "sales_head", "marketer"])
def test_only_admins_see_the_trail(client, api_as, persona, request, history):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get("/audit/").status_code == 404
    assert "Audit" not in [item["label"] for item in client.get("/").context["nav"]]
    assert api_as(user).get("/audit").status_code == 404


def test_the_api_filters_by_field_and_actor(api_as, admin_user, history, sales_head):
    response = api_as(admin_user).get("/audit", field="owner", actor=sales_head.email)

    assert response.status_code == 200
    [entry] = response.json()["items"]
    assert (entry["record_type"], entry["record_id"], entry["actor_email"]) == (
        "person",
        str(history.pk),
        sales_head.email,
    )


def test_the_admin_shows_a_person_s_history(client, admin_user, history, sales_head):
    client.force_login(admin_user)
    page = client.get(f"/admin/crm/person/{history.pk}/history/")

    assert page.status_code == 200
    assert "territory change" in page.content.decode()
    assert sales_head.email in page.content.decode()
