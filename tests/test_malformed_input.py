"""Hostile and broken input: a clear refusal, bounded memory, and nothing written.

The corpus: a truncated CSV, a header of a million columns, a 10 MB single cell, a binary file,
a huge JSON body and deeply nested JSON.
"""

import json
import tracemalloc

import pytest
from django.core.management import CommandError

from accord.crm.models import Account, Person
from accord.imports.tests.helpers import run_import, snapshot
from accord.teams.models import ApiToken
from accord.teams.tokens import do_create_token
from tests.factories import PersonFactory

HEADER = "Record ID,First Name,Last Name,Email,Company Name,Lifecycle Stage\n"  # HubSpot contacts
GOOD_ROW = "51,Ann,Lee,ann@northwind.example,Northwind,Lead\n"

CSV_CORPUS = {
    "truncated inside a quoted cell": (
        (HEADER + GOOD_ROW + '52,Bob,"Lee,bob@contoso.example').encode(),
        "row 3",
    ),
    "cut in the middle of a row": ((HEADER + GOOD_ROW + "52,Bob").encode(), "row 3"),
    "a 10 MB single cell": (
        (
            HEADER + GOOD_ROW + "52," + "x" * 10_000_000 + ",Lee,bob@contoso.example,Contoso,Lead\n"
        ).encode(),
        "field larger than field limit",
    ),
    "a header of a million columns": (
        (HEADER.strip() + ",x" * 1_000_000 + "\n" + GOOD_ROW).encode(),
        "the header row is longer than",
    ),
    "a header of 300,000 columns": (
        (HEADER.strip() + ",x" * 300_000 + "\n" + GOOD_ROW).encode(),
        "at most 2,000 are read",
    ),
    "binary, not text": (bytes(range(256)) * 64, "is not text (it holds zero bytes)"),
    "empty": (b"", "is empty"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CSV_CORPUS, ids=list(CSV_CORPUS))
def test_a_broken_file_is_refused_with_the_reason_and_writes_nothing(tmp_path, case):
    content, reason = CSV_CORPUS[case]
    PersonFactory(email="kept@example.com")
    before = snapshot()
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)

    tracemalloc.start()
    with pytest.raises(CommandError) as refused:
        run_import(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert reason in str(refused.value) or any(reason in str(e) for e in _row_errors(refused))
    assert snapshot() == before
    assert peak < 64 * 1024 * 1024, f"reading a {len(content)}-byte file held {peak} bytes"


def _row_errors(refused) -> list:
    cause = refused.value.__cause__ or refused.value.__context__
    return getattr(cause, "errors", [])


@pytest.fixture
def capture_headers(marketer):
    key = do_create_token(marketer, "website", ApiToken.Scope.CAPTURE)[1]
    return {"Authorization": f"Bearer {key}"}


def _post(client, headers, body: bytes):
    return client.post("/api/v1/leads", body, content_type="application/json", headers=headers)


LEAD = {"email": "ann@northwind.example", "first_name": "Ann", "company": "Northwind"}


def test_a_huge_json_body_is_refused_before_it_is_read_whole(client, capture_headers):
    body = json.dumps({**LEAD, "last_name": "x" * 20_000_000}).encode()

    response = _post(client, capture_headers, body)

    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert Person.objects.count() == 0


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_is_refused_with_a_clear_error(client, capture_headers, depth):
    body = '{"email": "ann@northwind.example", "first_name": ' + "[" * depth + "]" * depth + "}"

    response = _post(client, capture_headers, body.encode())

    assert 400 <= response.status_code < 500
    assert "detail" in response.json()
    assert Person.objects.count() == Account.objects.count() == 0
