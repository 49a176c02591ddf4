"""Every API operation called by every role: an answer within the rules, never a server error.

The operations come from the OpenAPI schema, so an endpoint added later is covered too. Path ids
name a record of another rep's, which a rep must not be able to tell from a missing one.
"""

import re

import pytest

from accord.api import api
from tests.factories import AccountFactory, OpportunityFactory, PersonFactory

# capture keys only: src/accord/capture/tests
CAPTURE = {"/leads", "/touchpoints/batch", "/captures/{capture_id}"}
OPERATIONS = sorted(
    (method.upper(), path.removeprefix("/api/v1"))
    for path, operations in api.get_openapi_schema()["paths"].items()
    for method in operations
    if path.removeprefix("/api/v1") not in CAPTURE
)
A_CHANGE = {
    "people": {"first_name": "Mine"},
    "accounts": {"name": "Mine"},
    "opportunities": {"name": "Mine"},
}


@pytest.fixture
def other_reps_records(other_rep):
    account = AccountFactory(owner=other_rep)
    person = PersonFactory(owner=other_rep, account=account)
    OpportunityFactory(owner=other_rep, account=account, primary_contact=person)
    return person.pk


def test_every_operation_answers_every_role_within_the_rules(
    api_as, rep, marketer, marketing_head, sales_head, admin_user, other_reps_records
):
    wrong = []
    for user in (rep, marketer, marketing_head, sales_head, admin_user):
        caller = api_as(user)
        for method, path in OPERATIONS:
            concrete = re.sub(r"\{[^}]+\}", str(other_reps_records), path)
            if method == "GET":
                status = caller.get(concrete).status_code
            else:
                status = caller._send(method.lower(), concrete, {}).status_code
            if status >= 500 or status == 401:
                wrong.append((user.role, method, concrete, status))
    assert wrong == []


@pytest.mark.parametrize("record", ["people", "accounts", "opportunities"])
def test_another_reps_record_is_not_found_by_a_rep(api_as, rep, other_rep, record):
    account = AccountFactory(owner=other_rep)
    person = PersonFactory(owner=other_rep, account=account)
    deal = OpportunityFactory(owner=other_rep, account=account, primary_contact=person)
    pk = {"people": person.pk, "accounts": account.pk, "opportunities": deal.pk}[record]

    assert api_as(rep).get(f"/{record}/{pk}").status_code == 404
    assert api_as(rep).patch(f"/{record}/{pk}", A_CHANGE[record]).status_code == 404
