"""The provider's directory: the people the tests add, with the claims their company account
releases (e-mail, name, groups...), and the client registrations. The tests reach it through two
endpoints of this test provider alone, behind a token made at start."""

import json
import secrets
import threading

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import Application
from oauth2_provider.oauth2_validators import OAuth2Validator

_lock = threading.Lock()
_claims: dict[str, dict] = {}  # username -> the claims their account releases
_userinfo_only: dict[str, set[str]] = {}  # username -> claims kept out of the ID token


class DirectoryClaims(OAuth2Validator):
    """Each person's claims as the directory holds them, in the ID token and at userinfo; some
    only at userinfo, as Microsoft Entra ID does with a long list of groups."""

    oidc_claim_scope = None  # every claim a person has is released to Accord's scopes

    def get_additional_claims(self, request):
        with _lock:
            return dict(_claims.get(request.user.get_username(), {}))

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        with _lock:
            kept_out = _userinfo_only.get(request.user.get_username(), set())
        return {k: v for k, v in claims.items() if k not in kept_out}, expiration


def _allowed(request) -> bool:
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ")
    return secrets.compare_digest(sent, settings.DIRECTORY_TOKEN)


@csrf_exempt
@require_POST
def person(request):
    """Adds or replaces a person: username, password, claims, userinfo_only (claim names)."""
    if not _allowed(request):
        return HttpResponse(status=401)
    sent = json.loads(request.body)
    user, _ = User.objects.get_or_create(username=sent["username"])
    user.set_password(sent["password"])
    user.save()
    with _lock:
        _claims[user.username] = sent.get("claims", {})
        _userinfo_only[user.username] = set(sent.get("userinfo_only", ()))
    return JsonResponse({"sub": str(user.pk)})


@csrf_exempt
@require_POST
def client(request):
    """Registers (or re-registers) a confidential client of the authorization code flow."""
    if not _allowed(request):
        return HttpResponse(status=401)
    sent = json.loads(request.body)
    Application.objects.filter(client_id=sent["client_id"]).delete()
    Application.objects.create(
        name=sent["client_id"],
        client_id=sent["client_id"],
        client_secret=sent["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(sent["redirect_uris"]),
        post_logout_redirect_uris=" ".join(sent["post_logout_redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,  # the company consented for its people, as IT does
    )
    return JsonResponse({"client_id": sent["client_id"]})
