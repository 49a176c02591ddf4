"""`accord sync hubspot --once`, and the worker's sync every ACCORD_SYNC_SECONDS, with the
token and address from the environment."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.fakes.hubspot import TOKEN, FakeHubSpot

from accord.crm.models import Person
from accord.crm_sync.models import SyncRun
from accord.crm_sync.services import do_sync_every_connection


@pytest.fixture
def hubspot_env(db, monkeypatch):
    fake = FakeHubSpot()
    with fake as url:
        monkeypatch.setenv("ACCORD_HUBSPOT_TOKEN", TOKEN)
        monkeypatch.setenv("ACCORD_HUBSPOT_URL", url)
        yield fake


def test_the_command_syncs_once_and_says_what_it_did(hubspot_env):
    hubspot_env.add("contacts", email="ana@acme.example", lifecyclestage="lead")
    hubspot_env.add("contacts", email="not an address", lifecyclestage="lead")
    out = StringIO()

    call_command("sync", "hubspot", "--once", "--full", stdout=out, stderr=StringIO())

    said = out.getvalue()
    assert "HubSpot sync done" in said
    assert "contacts: 1 pulled, 1 skipped" in said
    assert "skipped contacts 102: E-mail: 'not an address' is not an e-mail address" in said
    assert Person.objects.get().email == "ana@acme.example"


def test_a_refused_token_fails_the_command_with_the_reason(hubspot_env, monkeypatch):
    monkeypatch.setenv("ACCORD_HUBSPOT_TOKEN", "pat-na1-revoked")

    with pytest.raises(CommandError, match="HubSpot refused the token"):
        call_command("sync", "hubspot", "--once", stdout=StringIO(), stderr=StringIO())


def test_the_worker_syncs_the_crm_whose_token_is_in_the_environment(hubspot_env):
    hubspot_env.add("contacts", email="ana@acme.example", lifecyclestage="lead")

    runs = do_sync_every_connection()

    assert [r.status for r in runs] == [SyncRun.Status.DONE]
    assert Person.objects.count() == 1


def test_no_crm_connected_means_no_sync(db):
    assert do_sync_every_connection() == []
