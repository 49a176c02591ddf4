"""Every page, as every persona and as a stranger: never a server error, never a page unasked.

Walks the URL conf, so a page added later is covered without being listed here.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import URLResolver, get_resolver

from accord.teams.models import User

# the log-in pages (the company's sign-on among them) and what machines read: /metrics answers
# a stranger only on this machine or with its token (accord/web/tests/test_metrics.py)
PUBLIC = {"login/", "login/sso/", "login/sso/callback/", "healthz", "metrics"}


def _routes(patterns=None, prefix="", *, with_ids=False):
    """The app's page routes; with `with_ids`, also those that take an id or a slug."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route, with_ids=with_ids)
        elif not route.startswith(("admin/", "api/")) and (with_ids or "<" not in route):
            yield "/" + route


PAGES = sorted(set(_routes()))


def _server_errors(client, users) -> list[tuple[str, str, str, int]]:
    """Each page fetched (GET) and posted empty (POST) by each user: the server errors."""
    wrong = []
    for user in users:
        client.force_login(user)
        for page in PAGES:
            for method in ("get", "post"):
                status = getattr(client, method)(page).status_code
                if status >= 500:
                    wrong.append((user.email, method.upper(), page, status))
        client.logout()
    return wrong


@pytest.mark.django_db
def test_a_stranger_is_sent_to_log_in_from_every_page(client):
    for page in (p for p in PAGES if p.lstrip("/") not in PUBLIC and p != "/logout/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/login/"), page


def test_every_page_answers_every_role_on_an_empty_database(
    client, rep, marketer, marketing_head, sales_head, admin_user
):
    users = [rep, marketer, marketing_head, sales_head, admin_user]
    assert _server_errors(client, users) == []


@pytest.mark.django_db
def test_every_page_answers_every_persona_of_the_demo_company(client):
    call_command("demo", "--no-serve", "--size", "tiny", stdout=StringIO(), stderr=StringIO())
    users = User.objects.filter(email__endswith="@demo.accord").order_by("email")
    assert users.count() >= 8
    assert _server_errors(client, users) == []
