"""The API against its own OpenAPI schema: generated requests to every operation, in process.

No request may end in a server error, and every answer must match what the schema declares.
"""

import enum
import importlib
import pkgutil
import typing
from collections import defaultdict

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from ninja import Schema
from schemathesis import checks

import accord
from accord.teams.tokens import do_create_token
from accord.wsgi import application

# No server error, and status, content type, headers and body as the schema declares them.
# (Schemathesis can also ask that every schema-valid request be accepted; ours refuse valid-looking
# requests on purpose: an unknown owner id, an e-mail already stored, a field a role may not write.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def one_connection_for_the_test():
    """Requests go to the WSGI handler directly, whose request signals would close the test's
    database connection and its transaction; Django's test client turns them off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(admin_user):
    return do_create_token(admin_user)[1]


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.django_db
def test_every_operation_answers_within_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def api_schemas():
    """Every schema class the API modules define."""
    for found in pkgutil.walk_packages(accord.__path__, "accord."):
        if found.name.rsplit(".", 1)[-1] not in {"api", "schemas"}:
            continue
        module = importlib.import_module(found.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Schema):
                if value.__module__ == module.__name__:
                    yield value


def test_no_two_api_schemas_share_a_name():
    """The OpenAPI document names each schema by its class name, so two classes of one name
    would have one operation documented with the other's fields."""
    modules = defaultdict(set)
    for schema_class in api_schemas():
        modules[schema_class.__name__].add(schema_class.__module__)
    assert {name: found for name, found in modules.items() if len(found) > 1} == {}


def test_no_two_api_choices_share_a_name():
    """Choices are documented by their class's name too: a campaign's status named like an
    import's would be documented with the import's values, and answers checked against them."""
    choices = defaultdict(set)
    for schema_class in api_schemas():
        for field in schema_class.model_fields.values():
            for kind in typing.get_args(field.annotation) or (field.annotation,):
                if isinstance(kind, type) and issubclass(kind, enum.Enum):
                    choices[kind.__name__].add(kind.__qualname__ + " in " + kind.__module__)
    assert {name: found for name, found in choices.items() if len(found) > 1} == {}
