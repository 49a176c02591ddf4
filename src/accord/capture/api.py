"""The lead-capture API: website forms and tools send leads and touches with a capture key.

A capture key (`accord token create --user EMAIL --scope capture`) works here and nowhere else
(elsewhere it answers 403 `insufficient_scope`), so a key pasted into a web page can only add
leads. A personal (full) token captures too: every role may create people.
"""

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from pydantic import Field

from accord.capture import idempotency, services
from accord.crm.schemas import Domain, ErrorOut
from accord.inputs import Email, Moment, StrictIn, Text
from accord.teams.auth import BearerToken
from accord.teams.models import ApiToken
from accord.touchpoints.models import Touchpoint

MAX_BATCH = 1000
ERRORS = {code: ErrorOut for code in (401, 409, 422)}
IDEMPOTENCY = (
    "An `Idempotency-Key` header (at most 255 characters) makes retries safe: the same key with "
    "the same body answers the first answer again and records nothing new; the same key with "
    "another body answers 409. Without a key, an identical body sent again within ten minutes "
    "is the same submission."
)


class CaptureKey(BearerToken):
    """`Authorization: Bearer KEY` for a capture-scope key or a personal (full) token."""

    scopes = frozenset({ApiToken.Scope.CAPTURE, ApiToken.Scope.FULL})


router = Router(auth=CaptureKey(), tags=["capture"])


class LeadIn(StrictIn):
    email: Email
    first_name: Text(100) = ""
    last_name: Text(100) = ""
    title: Text(200) = ""
    phone: Text(50) = ""
    company: Text(255) = ""
    company_domain: Domain = ""
    utm_source: Text(255) = ""
    utm_medium: Text(255) = ""
    utm_campaign: Text(255) = ""
    utm_term: Text(255) = ""
    utm_content: Text(255) = ""
    page: Text(2048) = ""
    referrer: Text(2048) = ""
    form_name: Text(255) = ""
    occurred_at: Moment | None = Field(None, description="ISO 8601 with a time zone; now")


class LeadOut(Schema):
    person_id: int
    created: bool = Field(description="True when this submission made the person")
    email: str
    account_id: int | None
    lifecycle_stage: str
    score: int | None = Field(description="The total under the agreement in force, if any")
    grade: str | None
    is_mql: bool | None
    touchpoint_id: int
    handoff_id: int | None = Field(description="The handoff to a rep when the lead became an MQL")
    owner_id: int | None = Field(description="The rep the lead was handed to")
    channel: str
    form_name: str


class TouchIn(StrictIn):
    email: Email
    occurred_at: Moment
    type: Touchpoint.Kind
    utm_source: Text(255) = ""
    utm_medium: Text(255) = ""
    utm_campaign: Text(255) = ""
    utm_term: Text(255) = ""
    utm_content: Text(255) = ""
    referrer: Text(2048) = ""
    page: Text(2048) = ""
    campaign: Text(255) = Field("", description="A campaign's exact name; it must exist")


class TouchBatchIn(StrictIn):
    touchpoints: list[TouchIn] = Field(min_length=1, max_length=MAX_BATCH)


class TouchBatchOut(Schema):
    accepted: int
    people_created: int
    touchpoint_ids: list[int]
    handoff_ids: list[int] = Field(description="Handoffs to reps of the people now MQLs")


def _errors(items: list[tuple[list, str, str]]) -> dict:
    return {"detail": [{"loc": loc, "msg": msg, "type": kind} for loc, msg, kind in items]}


def _submit(request, endpoint: str, key: str | None, data, handler):
    if key is not None and not 1 <= len(key) <= 255:
        loc = ["header", "Idempotency-Key"]
        return Status(422, _errors([(loc, "Use 1 to 255 characters", "invalid")]))
    try:
        return Status(*idempotency.do_submit_once(request.auth, endpoint, key, data, handler))
    except idempotency.KeyReused as exc:
        return Status(409, _errors([(["header", "Idempotency-Key"], str(exc), "conflict")]))


@router.post(
    "/leads",
    response={200: LeadOut, 201: LeadOut, **ERRORS},
    description="A form fill. The person is found by e-mail in any letter case (200) or made "
    "(201) with the account of the company domain or of the e-mail's domain (not free mail); "
    "the touch is recorded with its channel and the person is scored at once. " + IDEMPOTENCY,
)
def capture_lead(
    request: HttpRequest,
    payload: LeadIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    data = payload.model_dump(mode="json", exclude_unset=True)
    fields = payload.model_dump(exclude_unset=True)
    return _submit(
        request,
        "leads",
        idempotency_key,
        data,
        lambda: services.do_capture_lead(fields, by=request.auth),
    )


@router.post(
    "/touchpoints/batch",
    response={201: TouchBatchOut, **ERRORS},
    description=f"Up to {MAX_BATCH} touches, all or none: a bad item answers 422 with its index "
    "and field. Unknown e-mails become people. Everybody touched is scored at once. " + IDEMPOTENCY,
)
def capture_touchpoints(
    request: HttpRequest,
    payload: TouchBatchIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    data = payload.model_dump(mode="json", exclude_unset=True)
    items = [item.model_dump() for item in payload.touchpoints]

    try:
        return _submit(
            request,
            "touchpoints",
            idempotency_key,
            data,
            lambda: services.do_capture_touchpoints(items, by=request.auth),
        )
    except services.BatchRefused as exc:
        errors = [
            (["body", "payload", "touchpoints", i, f], m, "invalid") for i, f, m in exc.errors
        ]
        return Status(422, _errors(errors))
