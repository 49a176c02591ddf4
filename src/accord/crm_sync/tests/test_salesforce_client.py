"""simple-salesforce against the org on loopback: signing in, paging, deletions and merges, the
daily limit, 429s and write-back batches that partly fail."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from accord.crm_sync.salesforce.client import (
    Change,
    Credentials,
    CredentialsRefused,
    DailyLimitReached,
    Pacer,
    SalesforceApi,
    SalesforceUnavailable,
)

FIELDS = ["Email", "LastName", "Status", "IsDeleted", "MasterRecordId"]


def api(org, **kwargs):
    pacer = kwargs.pop("pacer", Pacer(sleep=lambda seconds: None))
    return SalesforceApi(Credentials(url=org.url, token=org.token), pacer=pacer, **kwargs)


def pull(client, since=None, sobject="Lead", fields=FIELDS):
    pages = list(client.changed(sobject, fields, since, include_deleted=True))
    return [r for p in pages for r in p.records], pages


def test_pages_follow_next_records_url_and_end_at_the_last_record(salesforce):
    ids = [salesforce.create("Lead", LastName=f"L{n}", Email=f"l{n}@x.example") for n in range(7)]
    salesforce.batch_size = 3

    records, pages = pull(api(salesforce))

    assert [r["Id"] for r in records] == ids
    assert len(pages) == 3
    assert pages[-1].position.record_id == ids[-1]
    queries = [path for _, path in salesforce.calls if "/queryAll" in path]
    assert len(queries) == 3  # the first query, then two nextRecordsUrl batches


def test_a_second_pull_from_the_cursor_brings_only_what_changed_since(salesforce):
    first = salesforce.create("Lead", LastName="First")
    second = salesforce.create("Lead", LastName="Second")
    client = api(salesforce)
    _, pages = pull(client)
    cursor = pages[-1].position

    salesforce.update("Lead", first, Status="Working - Contacted")
    records, _ = pull(client, since=cursor)

    assert [r["Id"] for r in records] == [first]
    assert records[0]["Status"] == "Working - Contacted"
    assert second not in [r["Id"] for r in records]


def test_records_sharing_the_cursor_stamp_are_not_skipped(salesforce):
    a = salesforce.create("Lead", LastName="A")
    b = salesforce.create("Lead", LastName="B")
    same = salesforce.get("Lead", a)["SystemModstamp"]
    salesforce.records["Lead"][b]["SystemModstamp"] = same  # written in the same millisecond
    salesforce.batch_size = 1
    client = api(salesforce)
    pages = client.changed("Lead", FIELDS, None, include_deleted=True)
    first_page = next(pages)
    assert [r["Id"] for r in first_page.records] == [min(a, b)]

    # The sync stopped after the first page: the rest comes from its cursor.
    records, _ = pull(client, since=first_page.position)
    assert [r["Id"] for r in records] == [max(a, b)]


def test_deleted_and_merged_leads_come_with_their_master(salesforce):
    master = salesforce.create("Lead", LastName="Master", Email="m@x.example")
    duplicate = salesforce.create("Lead", LastName="Dup", Email="m@x.example")
    gone = salesforce.create("Lead", LastName="Gone")
    client = api(salesforce)
    _, pages = pull(client)

    salesforce.merge("Lead", master, duplicate)
    salesforce.delete("Lead", gone)
    records, _ = pull(client, since=pages[-1].position)

    by_id = {r["Id"]: r for r in records}
    assert by_id[duplicate]["IsDeleted"] and by_id[duplicate]["MasterRecordId"] == master
    assert by_id[gone]["IsDeleted"] and by_id[gone]["MasterRecordId"] is None
    assert not by_id[master]["IsDeleted"]


def test_busy_salesforce_is_waited_for_as_retry_after_says(salesforce):
    salesforce.create("Lead", LastName="A")
    salesforce.throttle(2, retry_after=7)
    waits = []
    client = api(salesforce, pacer=Pacer(sleep=waits.append))

    records, _ = pull(client)

    assert len(records) == 1
    assert waits == [7.0, 7.0]


def test_without_retry_after_the_waits_grow_with_jitter_then_give_up(salesforce):
    salesforce.throttle(10, status=403, retry_after=None)
    waits = []
    client = api(salesforce, pacer=Pacer(first=1, attempts=4, sleep=waits.append))

    with pytest.raises(SalesforceUnavailable, match="REQUEST_LIMIT_EXCEEDED after 5 tries"):
        pull(client)
    assert len(waits) == 4
    assert all(0 <= w <= 2**n for n, w in enumerate(waits))


def test_a_sync_does_not_start_when_the_daily_limit_is_nearly_spent(salesforce):
    salesforce.daily_limit = 1000
    salesforce.api_used = 950

    with pytest.raises(DailyLimitReached, match="50 of the org's 1000"):
        api(salesforce).budget()


def test_a_sync_stops_before_it_eats_into_the_reserve(salesforce):
    for n in range(5):
        salesforce.create("Lead", LastName=f"L{n}")
    salesforce.batch_size = 1
    salesforce.daily_limit = 100
    salesforce.api_used = 87
    client = api(salesforce)
    assert client.budget().remaining == 13

    taken = []
    with pytest.raises(DailyLimitReached, match="90 of the org's 100"):
        for page in client.changed("Lead", FIELDS, None, include_deleted=True):
            taken.extend(page.records)
    assert len(taken) == 3  # each page Salesforce answered is kept
    assert salesforce.api_used == 90


def test_a_spent_daily_limit_stops_without_retrying(salesforce):
    salesforce.daily_limit = 10
    salesforce.api_used = 10
    waits = []
    with pytest.raises(DailyLimitReached):
        pull(api(salesforce, reserve=0, pacer=Pacer(sleep=waits.append)))
    assert waits == []


def test_a_write_back_batch_that_partly_fails_says_which_and_why(salesforce):
    salesforce.add_accord_fields("Lead")
    ok = salesforce.create("Lead", LastName="Ok")
    refused = salesforce.create("Lead", LastName="Refused")
    deleted = salesforce.create("Lead", LastName="Deleted")
    salesforce.delete("Lead", deleted)
    salesforce.refuse_writes[refused] = ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Score is locked")

    results = api(salesforce).update(
        [Change("Lead", i, {"Accord_Score__c": 42}) for i in (ok, refused, deleted)]
    )

    assert [r.ok for r in results] == [True, False, False]
    assert results[1].error == "FIELD_CUSTOM_VALIDATION_EXCEPTION: Score is locked"
    assert results[2].error == "ENTITY_IS_DELETED: entity is deleted"
    assert salesforce.get("Lead", ok)["Accord_Score__c"] == 42
    assert salesforce.get("Lead", refused)["Accord_Score__c"] is None


def test_writes_go_in_collections_of_two_hundred(salesforce):
    salesforce.add_accord_fields("Contact")
    ids = [salesforce.create("Contact", LastName=f"C{n}") for n in range(450)]

    results = api(salesforce).update([Change("Contact", i, {"Accord_Grade__c": "A"}) for i in ids])

    assert all(r.ok for r in results)
    patches = [path for method, path in salesforce.calls if method == "PATCH"]
    assert len(patches) == 3


def test_missing_custom_fields_are_reported_with_the_metadata_to_create_them(salesforce):
    missing = api(salesforce).missing_fields("Lead")

    assert [str(m) for m in missing] == [
        "Lead.Accord_Score__c (Number)",
        "Lead.Accord_Grade__c (Text)",
        "Lead.Accord_MQL_At__c (DateTime)",
    ]
    assert missing[0].metadata == {
        "fullName": "Lead.Accord_Score__c",
        "label": "Accord Score",
        "type": "Number",
        "precision": 18,
        "scale": 0,
    }
    salesforce.add_accord_fields("Lead")
    assert api(salesforce).missing_fields("Lead") == []


def test_a_revoked_token_is_a_clear_error(salesforce):
    client = SalesforceApi(Credentials(url=salesforce.url, token="revoked"))

    with pytest.raises(CredentialsRefused, match="expired or revoked"):
        client.budget()


def test_client_credentials_sign_in_at_the_configured_url(salesforce):
    salesforce.create("Lead", LastName="A")
    creds = Credentials(
        url=salesforce.url, client_id=salesforce.client_id, client_secret=salesforce.client_secret
    )
    records, _ = pull(SalesforceApi(creds))
    assert len(records) == 1

    wrong = Credentials(url=salesforce.url, client_id=salesforce.client_id, client_secret="nope")
    with pytest.raises(CredentialsRefused, match="invalid_client: invalid client credentials"):
        SalesforceApi(wrong).budget()


def test_jwt_bearer_signs_in_with_the_apps_private_key(salesforce):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    salesforce.jwt_public_key = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    creds = Credentials(
        url=salesforce.url,
        client_id=salesforce.client_id,
        username="integration@accord.example",
        private_key=pem,
    )
    assert SalesforceApi(creds).budget().limit == 15000

    stranger = Credentials(
        url=salesforce.url, client_id=salesforce.client_id, username="nobody@x", private_key=pem
    )
    # simple-salesforce also warns that the user may have to approve the app first
    with pytest.raises(CredentialsRefused, match="hasn't approved"), pytest.warns(UserWarning):
        SalesforceApi(stranger).budget()
