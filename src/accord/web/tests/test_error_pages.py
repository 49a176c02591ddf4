"""A missing page, a refused action and a server error each answer in Accord's own layout, say
what happened in words, and offer the way back."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error
from pytest_django.asserts import assertContains


@pytest.mark.django_db
def test_a_missing_page_says_so_in_the_app_with_the_menu_and_a_way_back(client, rep):
    client.force_login(rep)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assertContains(response, '<h1 id="oops-title">Page not found</h1>', status_code=404)
    assertContains(response, "<code>/no-such-page/</code>", status_code=404)
    assertContains(response, '<a href="/">Back to the home page</a>', status_code=404)
    assertContains(response, 'aria-label="Main"', status_code=404)


@pytest.mark.django_db
def test_a_refused_action_names_the_reason_and_the_way_back(client, rep):
    client.force_login(rep)

    response = client.get("/imports/")

    assert response.status_code == 403
    assertContains(response, "Your role may not do this", status_code=403)
    assertContains(
        response, "Only an administrator or a team head can import files.", status_code=403
    )
    assertContains(response, '<a href="/">Back to the home page</a>', status_code=403)


def test_a_server_error_is_a_page_of_the_app_not_a_bare_line():
    response = server_error(RequestFactory().get("/dashboard/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert '<a href="/">Back to the home page</a>' in page
    assert "web/accord.css" in page
