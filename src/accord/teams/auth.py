"""Bearer tokens on the API: who the caller is (401 when nobody) and whether the token's scope
reaches the operation (403 `insufficient_scope` when it does not, as RFC 6750 says)."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from accord.teams.models import ApiToken, User
from accord.teams.tokens import access_token


class ApiRequest(HttpRequest):
    """A request to an API operation that `BearerToken` let through: `auth` is the token's
    owner. For annotations only; django-ninja passes an HttpRequest."""

    auth: User


class InsufficientScope(Exception):
    """A live token whose scope does not reach the operation asked for."""

    def __init__(self, scope: str, accepted: frozenset[str]):
        self.scope, self.accepted = scope, accepted
        wanted = " or ".join(sorted(accepted))
        super().__init__(f"A {scope} token cannot do this; it needs a {wanted} token")


class BearerToken(HttpBearer):
    """`Authorization: Bearer TOKEN`; the request's user becomes the token's owner.

    By default only personal (full) tokens are accepted; a router names the scopes it takes.
    """

    scopes: frozenset[str] = frozenset({ApiToken.Scope.FULL})

    def authenticate(self, request, token):
        found = access_token(token)
        if found is None:
            return None
        if found.scope not in self.scopes:
            raise InsufficientScope(found.scope, self.scopes)
        request.user = found.user
        return found.user
