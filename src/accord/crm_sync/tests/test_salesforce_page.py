"""The sync page with Salesforce: an admin connects a connected app, syncs, and sees the counts,
the records skipped and the custom fields to create."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import CommandError, call_command

from accord.crm.models import Person
from accord.crm_sync.models import Connection, SyncRun


def connect(client, org, **fields):
    data = {
        "salesforce-token": org.client_secret,
        "salesforce-base_url": org.url,
        "salesforce-client_id": org.client_id,
        "salesforce-username": "",
    }
    data.update({f"salesforce-{k}": v for k, v in fields.items()})
    return client.post("/sync/salesforce/connect/", data, follow=True)


def test_an_admin_connects_a_connected_app_and_the_sync_signs_in_with_it(
    client, admin_user, salesforce, capsys
):
    salesforce.create("Lead", Email="ok@acme.example", LastName="Ok", Status="Open - Not Contacted")
    salesforce.create("Lead", Email="odd@acme.example", LastName="Odd", Status="Nurturing")
    client.force_login(admin_user)

    page = connect(client, salesforce).content.decode()

    assert "Salesforce connected" in page
    assert salesforce.client_secret not in page
    connection = Connection.objects.get(kind="salesforce")
    assert connection.options == {"client_id": salesforce.client_id}

    call_command("sync", "salesforce", "--once")

    assert "unknown lifecycle stage 'Nurturing'" in capsys.readouterr().out
    assert Person.objects.get().email == "ok@acme.example"
    page = client.get("/sync/").content.decode()
    assert "Accord_Score__c" in page  # the custom field to create, with its metadata
    assert "Nurturing" in page


def test_a_user_name_without_a_consumer_key_is_refused_beside_the_field(
    client, admin_user, salesforce
):
    client.force_login(admin_user)

    answer = connect(client, salesforce, client_id="", username="integration@accord.example")

    assert answer.status_code == 400
    assert "needs the connected app&#x27;s consumer key" in answer.content.decode()
    assert not Connection.objects.filter(kind="salesforce").exists()


def test_a_wrong_consumer_secret_fails_the_sync_with_salesforces_reason(
    client, admin_user, salesforce
):
    client.force_login(admin_user)
    connect(client, salesforce, token="not-the-secret")

    with pytest.raises(CommandError, match="invalid_client"):
        call_command("sync", "salesforce", "--once")
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED
    assert "invalid client credentials" in client.get("/sync/").content.decode()


def test_a_private_key_pasted_on_one_line_signs_in_with_the_jwt_bearer_flow(
    client, admin_user, salesforce
):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    salesforce.jwt_public_key = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    salesforce.create("Lead", Email="ok@acme.example", LastName="Ok", Status="Open - Not Contacted")
    client.force_login(admin_user)

    connect(client, salesforce, token=pem.replace("\n", " "), username="integration@accord.example")
    call_command("sync", "salesforce", "--once")

    assert Connection.objects.get(kind="salesforce").secret == pem
    assert Person.objects.get().email == "ok@acme.example"
