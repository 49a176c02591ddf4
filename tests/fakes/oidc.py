"""A stateful OpenID Connect provider on loopback, written from OpenID Connect Core 1.0, Discovery
1.0, RP-Initiated Logout 1.0 and RFC 7636 (PKCE), for Accord's sign-on to log in through in tests.

What it answers, as a company's identity provider does:
- `GET /.well-known/openid-configuration`: the discovery document naming the endpoints below.
- `GET /authorize` (the authorization code flow): refuses an unknown client or a redirect URI not
  registered for it with a page (never a redirect); sends `error=` back for a bad response type or
  scope; with a provider session (its own cookie), sends the code straight back; else shows its
  sign-in form, and `POST /authorize` checks the password, opens the session and sends the code.
- `POST /token`: the client's secret (HTTP Basic or the form), the code once, unexpired, for the
  same client and redirect URI, and the PKCE verifier (S256); answers an access token and an ID
  token signed RS256 with a real RSA key (iss, sub, aud, exp, iat, auth_time, nonce, and the
  user's claims).
- `GET /jwks`: the public key. `GET /userinfo` with the access token: the user's claims.
- `GET /logout` (end_session_endpoint): ends the provider's session and goes back to a registered
  post-logout URI with the state.

`groups_in_userinfo_only` keeps the groups out of the ID token, as Microsoft Entra ID does for
large group lists, so the userinfo endpoint must be read.
"""

import base64
import hashlib
import html
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CODE_SECONDS = 60
KEY_ID = "loopback-1"


@dataclass
class Account:
    email: str
    password: str
    name: str = ""
    groups: list[str] = field(default_factory=list)
    email_verified: bool = True
    sub: str = field(default_factory=lambda: secrets.token_hex(8))


class FakeOidcProvider:
    def __init__(self, client_id: str, client_secret: str, redirect_uris: list[str]):
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uris = set(redirect_uris)
        self.accounts: dict[str, Account] = {}
        self.sessions: dict[str, str] = {}  # provider session cookie -> e-mail
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, str] = {}
        self.ended_sessions = 0
        self.groups_in_userinfo_only = False
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signing_key = None  # set to sign ID tokens with a key the JWKS does not publish
        self.lock = threading.Lock()
        self._server = None
        self.url = ""

    def add(self, account: Account) -> Account:
        self.accounts[account.email.lower()] = account
        return account

    # --- serving

    def start(self) -> str:
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def wsgi(self, environ, start_response):
        request = Request(environ)
        with self.lock:
            response = self.answer(request)
        return response(environ, start_response)

    def answer(self, request: Request) -> Response:
        routes = {
            ("GET", "/.well-known/openid-configuration"): self.discovery,
            ("GET", "/authorize"): self.authorize,
            ("POST", "/authorize"): self.sign_in,
            ("POST", "/token"): self.token,
            ("GET", "/jwks"): self.jwks,
            ("GET", "/userinfo"): self.userinfo,
            ("GET", "/logout"): self.logout,
        }
        handler = routes.get((request.method, request.path))
        if handler is None:
            return Response("not found", status=404)
        return handler(request)

    # --- endpoints

    def discovery(self, request: Request) -> Response:
        return _json(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks",
                "end_session_endpoint": f"{self.url}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": ["sub", "email", "email_verified", "name", "groups"],
            }
        )

    def authorize(self, request: Request) -> Response:
        params = request.args
        refused = self._refuse_client(params)
        if refused is not None:
            return refused
        error = self._check_request(params)
        if error:
            return self._back(params, {"error": error, "state": params.get("state", "")})
        email = self.sessions.get(request.cookies.get("idp_session", ""))
        if email is None:
            return self._sign_in_form(params, "")
        return self._back(params, {"code": self._code(params, email), "state": params["state"]})

    def sign_in(self, request: Request) -> Response:
        params = request.form
        refused = self._refuse_client(params)
        if refused is not None:
            return refused
        account = self.accounts.get(params.get("email", "").strip().lower())
        if account is None or not secrets.compare_digest(
            account.password, params.get("password", "")
        ):
            return self._sign_in_form(params, "Wrong e-mail or password.")
        session = secrets.token_urlsafe(16)
        self.sessions[session] = account.email.lower()
        code = self._code(params, account.email.lower())
        answer = self._back(params, {"code": code, "state": params["state"]})
        answer.set_cookie("idp_session", session, httponly=True, samesite="Lax")
        return answer

    def token(self, request: Request) -> Response:
        client_id, secret = _client_credentials(request)
        if client_id != self.client_id or not secrets.compare_digest(
            secret or "", self.client_secret
        ):
            return _json({"error": "invalid_client"}, 401)
        form = request.form
        if form.get("grant_type") != "authorization_code":
            return _json({"error": "unsupported_grant_type"}, 400)
        grant = self.codes.pop(form.get("code", ""), None)  # a code is good once
        if (
            grant is None
            or grant["expires"] < time.time()
            or grant["client_id"] != client_id
            or grant["redirect_uri"] != form.get("redirect_uri")
        ):
            return _json({"error": "invalid_grant"}, 400)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if challenge.rstrip(b"=").decode() != grant["code_challenge"]:
            return _json({"error": "invalid_grant", "error_description": "PKCE"}, 400)
        account = self.accounts[grant["email"]]
        access = secrets.token_urlsafe(24)
        self.access_tokens[access] = account.email.lower()
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": account.sub,
            "aud": client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": grant["nonce"],
            **self._claims(account, in_id_token=True),
        }
        id_token = jwt.encode(
            claims, self.signing_key or self.key, "RS256", headers={"kid": KEY_ID}
        )
        answer = _json(
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )
        answer.headers["Cache-Control"] = "no-store"
        return answer

    def jwks(self, request: Request) -> Response:
        numbers = self.key.public_key().public_numbers()
        return _json(
            {
                "keys": [
                    {
                        "kty": "RSA",
                        "use": "sig",
                        "alg": "RS256",
                        "kid": KEY_ID,
                        "n": _b64_int(numbers.n),
                        "e": _b64_int(numbers.e),
                    }
                ]
            }
        )

    def userinfo(self, request: Request) -> Response:
        header = request.headers.get("Authorization", "")
        email = self.access_tokens.get(header.removeprefix("Bearer "))
        if not header.startswith("Bearer ") or email is None:
            answer = _json({"error": "invalid_token"}, 401)
            answer.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return answer
        account = self.accounts[email]
        return _json({"sub": account.sub, **self._claims(account, in_id_token=False)})

    def logout(self, request: Request) -> Response:
        self.sessions.pop(request.cookies.get("idp_session", ""), None)
        self.ended_sessions += 1
        back = request.args.get("post_logout_redirect_uri", "")
        if back not in self.redirect_uris:
            answer = Response("You are logged out.", mimetype="text/plain")
        else:
            state = request.args.get("state")
            answer = _redirect(back + (f"?{urlencode({'state': state})}" if state else ""))
        answer.delete_cookie("idp_session")
        return answer

    # --- the parts

    def _refuse_client(self, params) -> Response | None:
        """An unknown client or unregistered redirect URI gets a page, never a redirect
        (OIDC Core 3.1.2.6: the provider must not send the user to an unverified address)."""
        if params.get("client_id") != self.client_id:
            return Response("unknown client", status=400)
        if params.get("redirect_uri") not in self.redirect_uris:
            return Response("redirect_uri is not registered for this client", status=400)
        return None

    def _check_request(self, params) -> str:
        if params.get("response_type") != "code":
            return "unsupported_response_type"
        if "openid" not in params.get("scope", "").split():
            return "invalid_scope"
        if not params.get("state") or params.get("code_challenge_method") != "S256":
            return "invalid_request"
        return ""

    def _code(self, params, email: str) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "client_id": params["client_id"],
            "redirect_uri": params["redirect_uri"],
            "email": email,
            "nonce": params.get("nonce"),
            "code_challenge": params["code_challenge"],
            "expires": time.time() + CODE_SECONDS,
        }
        return code

    def _claims(self, account: Account, *, in_id_token: bool) -> dict:
        claims = {
            "email": account.email,
            "email_verified": account.email_verified,
            "name": account.name,
        }
        if not (in_id_token and self.groups_in_userinfo_only):
            claims["groups"] = account.groups
        return claims

    def _back(self, params, answer: dict) -> Response:
        return _redirect(f"{params['redirect_uri']}?{urlencode(answer)}")

    def _sign_in_form(self, params, error: str) -> Response:
        kept = "".join(
            f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(params[name])}">'
            for name in (
                "client_id",
                "redirect_uri",
                "response_type",
                "scope",
                "state",
                "nonce",
                "code_challenge",
                "code_challenge_method",
            )
            if name in params
        )
        page = f"""<!doctype html><html lang="en"><head><title>Company sign-in</title></head>
<body><main><h1>Company sign-in</h1>{f'<p role="alert">{error}</p>' if error else ""}
<form method="post" action="/authorize">{kept}
<label>E-mail <input name="email" type="email"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form></main></body></html>"""
        return Response(page, mimetype="text/html")


def _client_credentials(request: Request) -> tuple[str | None, str | None]:
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        return auth.username, auth.password
    return request.form.get("client_id"), request.form.get("client_secret")


def _b64_int(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _json(body: dict, status: int = 200) -> Response:
    import json

    return Response(json.dumps(body), status=status, mimetype="application/json")


def _redirect(location: str) -> Response:
    return Response(status=302, headers={"Location": location})
