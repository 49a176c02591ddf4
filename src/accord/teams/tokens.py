"""Personal API tokens: made once, stored as a SHA-256 hash, looked up by hash."""

import hashlib
import secrets

from django.utils import timezone

from accord.teams.models import ApiToken, User

TOKEN_PREFIX = "acc_"


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
    """The live token of an active user behind this secret, whatever its scope, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def do_revoke_token(token: ApiToken) -> None:
    """The token is refused from now on (an admin's action on the tokens); revoking twice keeps
    the first moment."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
