"""Hardening a user or an operator would notice: log-in throttling, the Content Security Policy,
CSRF tokens in every form, and a deployment check with nothing to report."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accord.teams.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def person(rep):
    rep.set_password(PASSWORD)
    rep.save()
    return rep


def log_in(client, email, password, path="/login/", address="10.0.0.1"):
    return client.post(path, {"username": email, "password": password}, REMOTE_ADDR=address)


def test_after_five_failed_log_ins_the_right_password_waits_with_a_clear_message(
    client, person, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, person.email, "wrong").status_code == 200
    assert log_in(client, person.email, "wrong").status_code == 429

    locked = log_in(client, person.email, PASSWORD)

    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lock_holds_one_e_mail_from_one_address_only(client, person, other_rep, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, person.email, "wrong")

    assert log_in(client, person.email, PASSWORD, address="10.0.0.2").status_code == 302


def test_the_admin_log_in_is_throttled_too(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, person.email, "wrong", path="/admin/login/")

    assert log_in(client, person.email, PASSWORD, path="/admin/login/").status_code == 429


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_failures_count_for_the_e_mail_however_it_is_typed(client, person, settings, path):
    """Log-in finds the user in any letter case and without surrounding spaces, so the
    failures are counted the same way: changing the case or adding a space buys no attempts."""
    spellings = [person.email.upper(), f" {person.email}", f"{person.email.title()} "]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, spellings[attempt % len(spellings)], "wrong", path=path)

    assert log_in(client, f"  {person.email.upper()}", PASSWORD, path=path).status_code == 429
    assert log_in(client, person.email, PASSWORD, path=path).status_code == 429


def test_a_good_log_in_clears_earlier_failures(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, person.email, "wrong")
    assert log_in(client, person.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, person.email, "wrong")
    assert log_in(client, person.email, PASSWORD).status_code == 302


def test_pages_forbid_eval_and_inline_scripts(client, admin_user):
    client.force_login(admin_user)
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))

    assert directives["script-src"] == "'self'"
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def _pages(resolver=None, prefix=""):
    """Every page of the URL conf that takes no argument."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith(("api/", "admin/")):
                yield from _pages(pattern, route)
        elif isinstance(pattern, URLPattern) and not pattern.pattern.converters:
            if "(" not in route and "<" not in route and "^" not in route:
                yield "/" + route


POST_FORM = re.compile(r"<form\b[^>]*method=[\"']?post[^>]*>(.*?)</form>", re.S | re.I)


@pytest.mark.parametrize("persona", ["admin_user", "marketing_head", "sales_head", "rep"])
def test_every_form_that_posts_carries_a_csrf_token(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    pages = sorted(set(_pages())) + ["/admin/", "/admin/crm/person/", "/admin/password_change/"]
    checked = 0
    for path in pages:
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.headers["Content-Type"]:
            continue
        for form in POST_FORM.findall(response.content.decode()):
            assert 'name="csrfmiddlewaretoken"' in form, path
            checked += 1
    assert checked >= 2  # at least the log-out button and one page's form


def test_the_login_form_carries_a_csrf_token(client):
    form = POST_FORM.search(client.get("/login/").content.decode()).group(1)
    assert 'name="csrfmiddlewaretoken"' in form


def test_the_deployment_check_reports_nothing_behind_tls(tmp_path):
    env = os.environ | {
        "ACCORD_SSL_REDIRECT": "true",
        "ACCORD_SECRET_KEY": secrets.token_urlsafe(64),
        "ACCORD_DATA_DIR": str(tmp_path),
        "ACCORD_SECURE_COOKIES": "true",
    }
    env.pop("ACCORD_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-m", "accord", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_passwords_are_stored_with_argon2_in_production():
    from accord import settings as product

    assert product.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert User  # the custom user model hashes through the same list
