import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accord.teams.models import ApiToken
from accord.teams.tokens import do_create_token, do_revoke_token


def _get_people(client, secret):
    return client.get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})


def test_token_create_prints_a_token_that_opens_the_api(client, rep):
    """`accord token create --user EMAIL` runs this command; the e-mail's case does not matter."""
    out = StringIO()
    call_command("token", "create", "--user", "REP1@demo.accord", stdout=out)
    secret = out.getvalue().strip()

    response = _get_people(client, secret)

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_only_the_hash_of_a_token_is_stored(rep):
    token, secret = do_create_token(rep, name="warehouse sync")

    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert all(secret not in str(value) for value in stored.__dict__.values())
    assert stored.prefix == secret[:10]


def test_token_create_for_an_unknown_user_fails_clearly(db):
    with pytest.raises(CommandError, match="No active user with e-mail 'nobody@x.example'"):
        call_command("token", "create", "--user", "nobody@x.example", stdout=StringIO())


@pytest.mark.parametrize(
    "header",
    [None, "Bearer acc_not-a-token", "Token abc", "Bearer "],
    ids=["missing", "unknown", "wrong scheme", "empty"],
)
def test_a_request_without_a_live_token_is_refused(client, rep, header):
    headers = {"Authorization": header} if header else {}

    response = client.get("/api/v1/people", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_revoked_token_is_refused(client, rep):
    token, secret = do_create_token(rep)
    assert _get_people(client, secret).status_code == 200

    do_revoke_token(token)

    assert _get_people(client, secret).status_code == 401


def test_an_admin_revokes_tokens_from_the_admin_and_they_are_refused(client, rep, admin_user):
    token, secret = do_create_token(rep)
    client.force_login(admin_user)

    client.post("/admin/teams/apitoken/", {"action": "revoke", "_selected_action": [str(token.pk)]})
    client.logout()

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _get_people(client, secret).status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(client, rep):
    _, secret = do_create_token(rep)
    rep.is_active = False
    rep.save(update_fields=["is_active"])

    assert _get_people(client, secret).status_code == 401


def test_a_lead_capture_token_cannot_read_the_database(client, rep):
    _, secret = do_create_token(rep, scope=ApiToken.Scope.CAPTURE)

    response = _get_people(client, secret)

    assert response.status_code == 403
    assert response["WWW-Authenticate"] == (
        'Bearer realm="accord", error="insufficient_scope", scope="full"'
    )


def test_a_token_records_when_it_was_last_used(client, rep):
    token, secret = do_create_token(rep)
    assert token.last_used_at is None

    _get_people(client, secret)

    token.refresh_from_db()
    assert token.last_used_at is not None
