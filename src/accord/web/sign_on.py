"""Logging in through the company's identity provider (OpenID Connect: Google Workspace, Microsoft
Entra ID, Okta, Keycloak), beside or instead of passwords.

Authlib speaks the protocol: it reads the provider's discovery document, sends the person there
with a state, a nonce and a PKCE challenge, trades the code for tokens and checks the ID token's
signature (the provider's published keys), issuer, audience, expiry and nonce. Accord then reads
the userinfo endpoint beside the ID token and finds or makes the user (accord.teams.sign_on)."""

import functools
import logging

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from joserfc.errors import JoseError  # Authlib's token checks (a bad signature, issuer, expiry)
from requests import RequestException

from accord.teams.models import Team, User
from accord.teams.sign_on import RoleGrant, do_sign_on

logger = logging.getLogger(__name__)
BACKEND = "accord.teams.sign_on.SignOnBackend"
ID_TOKEN = "sign_on_id_token"  # kept in the session for the provider's logout
NEXT = "sign_on_next"
TIMEOUT = 10  # seconds the provider has to answer, so a slow one cannot hold a server thread


class LoginPage(LoginView):
    """The log-in page: the company's sign-on button when configured, and the password form
    unless ACCORD_PASSWORD_LOGIN=false, which also refuses a password sent anyway."""

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            raise PermissionDenied("Passwords are switched off: log in with single sign-on")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        sign_on = settings.SIGN_ON
        return super().get_context_data(
            sign_on_name=sign_on["name"] if sign_on else None,
            password_login_off=not settings.PASSWORD_LOGIN,
            **kwargs,
        )


def start(request):
    """Off to the provider, coming back to `callback` (the redirect URI registered there)."""
    client = _client()
    wanted = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
    request.session[NEXT] = wanted if safe else ""
    try:
        back = request.build_absolute_uri(reverse("web:sso-callback"))
        return client.authorize_redirect(request, back)
    except (OAuthError, RequestException, ValueError) as exc:
        return _refused(request, f"Accord could not reach your company's sign-on ({exc}).", 502)


def callback(request):
    client = _client()
    try:
        token = client.authorize_access_token(request)
        claims = dict(token["userinfo"])
        userinfo = client.userinfo(token=token)
    except (OAuthError, JoseError, RequestException, ValueError, KeyError) as exc:
        return _refused(request, f"Your company's sign-on did not vouch for you ({exc}).", 403)
    if userinfo.get("sub") == claims.get("sub"):  # OIDC Core 5.3.2: else it is not this person
        claims = {**userinfo, **claims}
    config = settings.SIGN_ON
    grants = [
        RoleGrant(group, Team.Kind(team) if team else None, User.Role(role))
        for group, team, role in config["roles"]
    ]
    result = do_sign_on(
        claims, role_claim=config["role_claim"], grants=grants, domains=config.get("domains", ())
    )
    if result.user is None:
        return _refused(request, result.refusal, 403)
    wanted = request.session.pop(NEXT, "")
    login(request, result.user, backend=BACKEND)
    request.session[ID_TOKEN] = token.get("id_token", "")
    return HttpResponseRedirect(wanted or reverse(settings.LOGIN_REDIRECT_URL))


@require_POST
def log_out(request):
    """Log out of Accord and, when the session came from the provider and it offers a logout
    (end_session_endpoint), of the provider too, coming back to the log-in page."""
    id_token = request.session.get(ID_TOKEN)
    logout(request)
    back = reverse(settings.LOGOUT_REDIRECT_URL)
    if id_token and settings.SIGN_ON:
        client = _client()
        try:
            if client.load_server_metadata().get("end_session_endpoint"):
                return client.logout_redirect(
                    request,
                    post_logout_redirect_uri=request.build_absolute_uri(back),
                    id_token_hint=id_token,
                )
        except (OAuthError, RequestException, ValueError):
            pass  # Accord's session is over either way; the provider's ends on its own clock
    return HttpResponseRedirect(back)


def _refused(request, reason: str, status: int):
    logger.warning("single sign-on refused: %s", reason)  # for IT, who gets the call
    return render(request, "web/sign_on_refused.html", {"reason": reason}, status=status)


def _client():
    config = settings.SIGN_ON
    if config is None:
        raise Http404("Single sign-on is not set up")
    return _registered(config["issuer"], config["client_id"], config["client_secret"])


@functools.lru_cache(maxsize=4)
def _registered(issuer: str, client_id: str, client_secret: str):
    """One client per provider, keeping its discovery document and keys between log-ins."""
    return OAuth().register(
        "company",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT,
        },
    )
