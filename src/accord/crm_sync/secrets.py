"""A CRM's token or client secret, encrypted at rest (Fernet: AES-128-CBC with an HMAC).

The key is `ACCORD_SYNC_KEY` when set, else derived from Django's SECRET_KEY, so a copy of the
database alone does not give away the company's CRM access. Changing the key makes stored
secrets unreadable: the connection then says so and asks to be connected again."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from accord.env import env_str


class SecretUnreadable(ValueError):
    """The stored secret was encrypted under another key."""


def _fernet() -> Fernet:
    material = env_str("ACCORD_SYNC_KEY") or settings.SECRET_KEY
    digest = hashlib.sha256(b"accord.crm_sync:" + material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "the stored secret cannot be read with this key (ACCORD_SYNC_KEY or the secret key "
            "changed): connect again"
        ) from None


def masked(secret: str) -> str:
    """What a page may show of a secret: its last four characters."""
    if not secret:
        return ""
    return "•" * 8 + secret[-4:] if len(secret) > 12 else "•" * 8
