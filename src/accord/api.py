"""The JSON API: one NinjaAPI, one router per domain app, and how domain errors answer.

Every refusal is a 4xx whose `detail` names the field and the reason, in the shape of
django-ninja's validation errors: `{"detail": [{"loc": ["body", "payload", FIELD], "msg": ...}]}`.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError

from accord.agreement.api import router as agreement_router
from accord.alerts.api import router as alerts_router
from accord.alignment.api import router as alignment_router
from accord.audit.api import router as audit_router
from accord.capture.api import router as capture_router
from accord.crm.api import router as crm_router
from accord.crm.schemas import ErrorOut
from accord.crm.services import Conflict, InvalidChange
from accord.experiments.api import router as experiments_router
from accord.goals.api import router as goals_router
from accord.handoff.api import router as handoff_router
from accord.imports.api import router as imports_router
from accord.metrics.api import router as metrics_router
from accord.mindset.api import router as mindset_router
from accord.planning.api import router as planning_router
from accord.teams.access import AccessDenied, UnknownReference
from accord.teams.auth import BearerToken, InsufficientScope
from accord.touchpoints.api import router as touchpoints_router


class Docs(Swagger):
    """Swagger UI from the assets shipped with django-ninja, served by Accord itself: the content
    security policy allows scripts from Accord only, so a CDN's would be blocked."""

    template = "web/api_docs.html"


class AccordAPI(NinjaAPI):
    """The API whose schema documents, on every operation, the errors every operation can answer.

    Routers declare the errors of their own domain (403, 404, 409 ...); these hold everywhere:
    401 for a missing or revoked token, 403 for a token whose scope does not reach it, 422 where
    there are parameters or a body to validate, 400 where a body can be unreadable, 413 where it
    can be too large.
    """

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" not in components:
            error = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(error.pop("$defs", {}))
            components["ErrorOut"] = error
        for operation in (op for ops in schema["paths"].values() for op in ops.values()):
            _document_common_errors(operation)
        return schema


def _document_common_errors(operation: dict) -> None:
    codes = {401, 403}
    if operation.get("parameters") or operation.get("requestBody"):
        codes.add(422)
    if operation.get("requestBody"):
        codes |= {400, 413}
    responses = operation.setdefault("responses", {})
    for code in codes - set(responses):
        responses[code] = {
            "description": "Error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }


api = AccordAPI(
    docs=Docs(),
    title="Accord API",
    version="1",
    description="The shared Sales and Marketing database: people, accounts, opportunities, "
    "campaigns and touchpoints. Authenticate with `Authorization: Bearer TOKEN` "
    "(`accord token create --user EMAIL`).\n\n"
    "Lists take `limit` (at most 500) and `offset` and answer `{items, count}`. Money is a "
    "decimal string beside its currency code; times are ISO 8601 in UTC.\n\n"
    "What you see follows your role: a rep reads and changes the people, accounts and "
    "opportunities they own plus the unassigned pool; the sales head the whole sales team's; "
    "marketers read everything and change marketing fields only (never an owner, never an "
    "opportunity); admins everything. A record you may not see answers 404.\n\n"
    "Errors: 400 unreadable JSON; 401 missing, unknown or revoked token; 403 a field your role "
    "may not write (named), or a token whose scope does not reach the operation "
    "(`insufficient_scope`: a capture key only captures); 404 unknown id; 409 a duplicate "
    "(e.g. an e-mail that exists in any case); 422 invalid or unknown fields (named, with the "
    "reason).",
    auth=BearerToken(),
    urls_namespace="api",
)

api.add_router("", capture_router)  # first: /touchpoints/batch before /touchpoints/{id}
api.add_router("", crm_router)
api.add_router("", touchpoints_router)
api.add_router("", agreement_router)
api.add_router("", alignment_router)
api.add_router("", mindset_router)
api.add_router("", metrics_router)
api.add_router("", planning_router)
api.add_router("", experiments_router)
api.add_router("", goals_router)
api.add_router("", handoff_router)
api.add_router("", audit_router)
api.add_router("", imports_router)
api.add_router("", alerts_router)


def _field_errors(errors, kind: str) -> dict:
    return {
        "detail": [
            {"loc": ["body", "payload", field], "msg": msg, "type": kind} for field, msg in errors
        ]
    }


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    response = api.create_response(request, {"detail": exc.message}, status=exc.status_code)
    response["WWW-Authenticate"] = 'Bearer realm="accord"'
    return response


@api.exception_handler(InsufficientScope)
def insufficient_scope(request, exc: InsufficientScope):
    """RFC 6750 section 3.1: the token is good, its scope is not enough."""
    loc = ["header", "Authorization"]
    body = {"detail": [{"loc": loc, "msg": str(exc), "type": "insufficient_scope"}]}
    response = api.create_response(request, body, status=403)
    scope = " ".join(sorted(exc.accepted))
    challenge = f'Bearer realm="accord", error="insufficient_scope", scope="{scope}"'
    response["WWW-Authenticate"] = challenge
    return response


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    """Say which record is missing; out-of-scope records are reported the same way."""
    return api.create_response(request, {"detail": str(exc) or "Not Found"}, status=404)


@api.exception_handler(AccessDenied)
def access_denied(request, exc: AccessDenied):
    return api.create_response(request, _field_errors(exc.errors, "forbidden"), status=403)


@api.exception_handler(UnknownReference)
def unknown_reference(request, exc: UnknownReference):
    body = _field_errors([(exc.field, exc.message)], "unknown_reference")
    return api.create_response(request, body, status=422)


@api.exception_handler(InvalidChange)
def invalid_change(request, exc: InvalidChange):
    body = _field_errors([(exc.field, exc.message)], "invalid")
    return api.create_response(request, body, status=422)


@api.exception_handler(ValidationError)
def model_validation_error(request, exc: ValidationError):
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    errors = [(field, msg) for field, msgs in by_field.items() for msg in msgs]
    return api.create_response(request, _field_errors(errors, "invalid"), status=422)


@api.exception_handler(Conflict)
def conflict(request, exc: Conflict):
    body = _field_errors([(exc.field, exc.message)], "conflict")
    return api.create_response(request, body, status=409)


@api.exception_handler(IntegrityError)
def integrity_error(request, exc: IntegrityError):
    """A uniqueness race the services' own checks could not see coming."""
    body = {"detail": "The change conflicts with a record stored meanwhile; nothing was saved."}
    return api.create_response(request, body, status=409)


@api.exception_handler(DataError)
def data_error(request, exc: DataError):
    body = {"detail": "A value does not fit its field; nothing was saved."}
    return api.create_response(request, body, status=422)


@api.exception_handler(RequestDataTooBig)
def body_too_large(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = {"detail": f"The request body is larger than {limit:,} bytes; nothing was read."}
    return api.create_response(request, body, status=413)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request, exc):
    """The database is down or restarting: say so, so a client retries (with its
    Idempotency-Key) instead of taking a server error for a refusal."""
    body = {"detail": "The database is unavailable; nothing was saved. Retry in a few seconds."}
    response = api.create_response(request, body, status=503)
    response["Retry-After"] = "5"
    return response
