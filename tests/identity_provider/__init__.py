"""A company's OpenID Connect provider on loopback for the sign-on tests: Django OAuth Toolkit
(OpenID Connect on, RS256, PKCE, userinfo, RP-initiated logout) in a process of its own, started
once for the test session on a free port. Its own sign-in page asks for an e-mail and password.

`IdentityProvider.start()` runs it; `add()` puts a person in its directory with the claims their
account releases, `register()` registers Accord as a client."""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEEP = object()


@dataclass
class Account:
    """A person at the company: `login` is what they type at the provider's sign-in page, and
    their `preferred_username`. `email=None` sends no email claim (Microsoft Entra ID may not)."""

    login: str
    password: str
    name: str = ""
    groups: list[str] = field(default_factory=list)
    email: str | None | object = KEEP  # the login, unless given
    email_verified: bool = True
    groups_in_userinfo_only: bool = False  # as Entra ID does for a long list of groups

    def claims(self) -> dict:
        claims = {"preferred_username": self.login, "name": self.name, "groups": self.groups}
        email = self.login if self.email is KEEP else self.email
        if email is not None:
            claims |= {"email": email, "email_verified": self.email_verified}
        return claims


class IdentityProvider:
    def __init__(self, process: subprocess.Popen, issuer: str, token: str, log):
        self.process, self.issuer, self.token, self.log = process, issuer, token, log
        self.origin = issuer.removesuffix("/o")

    @classmethod
    def start(cls) -> "IdentityProvider":
        token = secrets.token_urlsafe(24)
        log = tempfile.TemporaryFile()
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.identity_provider"],
            cwd=ROOT,
            env={**os.environ, "IDP_DIRECTORY_TOKEN": token},
            stdin=subprocess.PIPE,  # closed when this process ends: the provider stops then
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        issuer = process.stdout.readline().strip()  # once it has migrated and listens
        if not issuer:
            process.wait()
            log.seek(0)
            raise RuntimeError(f"the identity provider did not start:\n{log.read().decode()}")
        return cls(process, issuer, token, log)

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait()
        self.log.close()

    def add(self, account: Account) -> str:
        """Puts the person in the directory (again, replacing them); returns their `sub`."""
        answer = self._send(
            "people",
            {
                "username": account.login,
                "password": account.password,
                "claims": account.claims(),
                "userinfo_only": ["groups"] if account.groups_in_userinfo_only else [],
            },
        )
        return answer["sub"]

    def register(self, client_id: str, secret: str, callback: str, after_logout: str) -> None:
        self._send(
            "clients",
            {
                "client_id": client_id,
                "client_secret": secret,
                "redirect_uris": [callback],
                "post_logout_redirect_uris": [after_logout],
            },
        )

    def _send(self, what: str, body: dict) -> dict:
        request = urllib.request.Request(
            f"{self.origin}/directory/{what}/",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as answer:
            return json.load(answer)
