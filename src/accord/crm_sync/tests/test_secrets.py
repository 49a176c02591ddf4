"""A CRM's token is kept encrypted and shown only by its last characters."""

import pytest

from accord.crm_sync.models import Connection
from accord.crm_sync.secrets import SecretUnreadable
from accord.crm_sync.services import do_connect

TOKEN = "pat-eu1-0c6a7f52-3b5e-4d1c-9f7e-2a8b1c4d5e6f"


def test_the_token_is_stored_encrypted_and_shown_masked(db):
    do_connect(Connection.Kind.HUBSPOT, TOKEN)

    stored = Connection.objects.get()
    assert TOKEN not in stored.secret_encrypted
    assert stored.secret == TOKEN
    assert stored.masked_secret == "••••••••5e6f"


def test_a_token_kept_under_another_key_asks_to_connect_again(db, monkeypatch):
    do_connect(Connection.Kind.HUBSPOT, TOKEN)
    monkeypatch.setenv("ACCORD_SYNC_KEY", "another key altogether")

    with pytest.raises(SecretUnreadable, match="connect again"):
        _ = Connection.objects.get().secret
