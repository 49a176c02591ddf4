"""Each role sees the navigation that makes sense for it; the header says who is logged in."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains


def nav_labels(response) -> list[str]:
    return [item["label"] for item in response.context["nav"]]


RECORDS = ["People", "Accounts", "Deals", "Campaigns"]
SHARED = ["Agreement", "Alignment", "Mindset", "Planning", "Goals", "API docs"]
SEEN_BY = {
    "rep": ["Home", "Dashboard", *RECORDS, "Inbox", *SHARED],
    "marketer": ["Home", "Dashboard", *RECORDS, "Feedback", *SHARED],
    "marketing_head": ["Home", "Dashboard", *RECORDS, "Inbox", "Feedback", *SHARED, "Import"],
    "sales_head": ["Home", "Dashboard", *RECORDS, "Inbox", "Feedback", *SHARED, "Import"],
}


@pytest.mark.parametrize("persona", list(SEEN_BY))
def test_team_members_see_home_and_the_api_docs_but_not_the_admin(request, client, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.get(reverse("web:home"))

    assert nav_labels(response) == SEEN_BY[persona]
    assertContains(response, f"<strong>{user.full_name}</strong> · {user.get_role_display()}")
    assertContains(response, f"· {user.team.name}</span>")


def test_the_admin_also_sees_the_django_admin(client, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("web:home"))

    admin_only = ["Import", "CRM sync", "Audit", "Mail", "Health", "Admin"]
    assert nav_labels(response) == ["Home", "Dashboard", *RECORDS, *SHARED, *admin_only]
    assertContains(response, f'href="{reverse("admin:index")}"')


def test_the_current_page_is_marked_in_the_navigation(client, rep):
    client.force_login(rep)

    response = client.get(reverse("web:home"))

    assertContains(response, 'href="/" aria-current="page">Home</a>', html=False)


def test_logging_out_takes_a_post_and_ends_the_session(client, rep):
    client.force_login(rep)

    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))

    assert response.url == reverse("web:login")
    assert client.get(reverse("web:home")).status_code == 302


@pytest.mark.parametrize("persona", ["rep", "marketer", "sales_head", "admin_user"])
def test_every_item_in_a_roles_navigation_opens_for_it(request, client, persona):
    client.force_login(request.getfixturevalue(persona))

    nav = client.get(reverse("web:home")).context["nav"]

    for item in nav:
        assert client.get(item["url"]).status_code == 200, item["label"]
