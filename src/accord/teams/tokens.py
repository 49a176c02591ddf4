"""Personal API tokens: made once, stored as a SHA-256 hash, looked up by hash."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from functools import cache

from django.db import connection
from django.db.models.expressions import Col
from django.utils import timezone

from accord.teams.models import ApiToken, User

TOKEN_PREFIX = "acc_"
LAST_USED_EVERY_SECONDS = 60  # how stale a token's `last_used_at` may get


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
    `user` is loaded with it. One read, built once per process (every API request makes it, and
    building it through the ORM cost more than the database answering it), and a write at most
    once a minute per token to note when it was last used."""
    now = timezone.now()
    sql, fields, converters = _access_query()
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [now - dt.timedelta(seconds=LAST_USED_EVERY_SECONDS), hash_token(secret)]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, scope, not_noted, *values = row
    for n, field, convert in converters:  # what the ORM would do to the values read
        values[n] = convert(values[n], field, connection)
    user = User.from_db(connection.alias, fields, values)
    token = ApiToken.from_db(
        connection.alias, ["id", "user_id", "scope"], [token_id, user.pk, scope]
    )
    token.user = user  # the token's other fields load when asked for
    if not_noted:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@cache
def _access_query() -> tuple[str, list[str], list[tuple[int, Col, Callable]]]:
    """The query of a token's id, scope, whether `last_used_at` is stale and its user's
    columns; the user's fields read; and the converters of those that this database needs
    (none on PostgreSQL), as the ORM applies them."""
    user, token = User._meta, ApiToken._meta
    columns = ", ".join(f"u.{f.column}" for f in user.concrete_fields)
    sql = (
        "SELECT t.id, t.scope, (t.last_used_at IS NULL OR t.last_used_at < %s), "
        f"{columns} FROM {token.db_table} t JOIN {user.db_table} u ON u.id = t.user_id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
    )
    converters: list[tuple[int, Col, Callable]] = []
    for n, field in enumerate(user.concrete_fields):
        column = field.get_col(user.db_table)
        for convert in connection.ops.get_db_converters(column) + field.get_db_converters(
            connection
        ):
            converters.append((n, column, convert))
    return sql, [f.attname for f in user.concrete_fields], converters


def do_revoke_token(token: ApiToken) -> None:
    """The token is refused from now on (an admin's action on the tokens); revoking twice keeps
    the first moment."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
