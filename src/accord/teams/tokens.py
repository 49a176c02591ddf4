"""Personal API tokens: made once, stored as a SHA-256 hash, looked up by hash."""

import datetime as dt
import hashlib
import secrets
from functools import cache

from django.utils import timezone

from accord.teams.models import ApiToken, User

TOKEN_PREFIX = "acc_"
LAST_USED_EVERY_SECONDS = 60  # how stale a token's `last_used_at` may get
TOKEN_COLUMNS = ("token_id", "token_scope", "token_not_noted")  # read with its user


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def do_create_token(
    user: User, name: str = "", scope: str = ApiToken.Scope.FULL
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the secret, which is never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, scope=scope, prefix=secret[:10], key_hash=hash_token(secret)
    )
    return token, secret


def access_token(secret: str) -> ApiToken | None:
    """The live token of an active user behind this secret, whatever its scope, or None; its
    `user` is loaded with it. One read (a raw query: every API request makes it, and the ORM
    would spend more time building the join than the database spends answering it), and a
    write at most once a minute per token to note when it was last used."""
    now = timezone.now()
    found = list(
        User.objects.raw(
            _access_sql(),
            [now - dt.timedelta(seconds=LAST_USED_EVERY_SECONDS), hash_token(secret)],
        )
    )
    if not found:
        return None
    user = found[0]
    token_id, scope, not_noted = (vars(user).pop(name) for name in TOKEN_COLUMNS)
    fields = ["id", "user_id", "scope"]  # the rest load when asked for
    token = ApiToken.from_db(user._state.db, fields, [token_id, user.pk, scope])
    token.user = user
    if not_noted:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@cache
def _access_sql() -> str:
    user, token = User._meta, ApiToken._meta
    columns = ", ".join(f"u.{f.column}" for f in user.concrete_fields)
    return (
        f"SELECT {columns}, t.id AS token_id, t.scope AS token_scope, "
        "(t.last_used_at IS NULL OR t.last_used_at < %s) AS token_not_noted "
        f"FROM {token.db_table} t JOIN {user.db_table} u ON u.id = t.user_id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
    )


def do_revoke_token(token: ApiToken) -> None:
    """The token is refused from now on (an admin's action on the tokens); revoking twice keeps
    the first moment."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
