from ninja.security import HttpBearer

from accord.teams.tokens import access_token_user


class BearerToken(HttpBearer):
    """`Authorization: Bearer TOKEN` for a personal token; the request's user becomes its owner."""

    def authenticate(self, request, token):
        user = access_token_user(token)
        if user is not None:
            request.user = user
        return user
