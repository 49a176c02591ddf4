"""The lead-capture API: website forms and tools send leads and touches with a capture key.

A capture is recorded and answered at once (`"status": "received"`): the worker scores and
routes it moments later, and `GET /captures/{id}` follows it (received, then scored or routed).
`?wait=SECONDS` answers once it is routed instead, as a caller that needs the handoff wants.

A capture key (`accord token create --user EMAIL --scope capture`) works here and nowhere else
(elsewhere it answers 403 `insufficient_scope`), so a key pasted into a web page can only add
leads. A personal (full) token captures too: every role may create people.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from accord.capture import batches, idempotency, selectors, services
from accord.capture.models import Capture
from accord.crm.schemas import Domain, ErrorOut
from accord.inputs import Email, Moment, StrictIn, Text
from accord.teams.auth import BearerToken
from accord.teams.models import ApiToken
from accord.touchpoints.models import Touchpoint

MAX_BATCH = 1000
MAX_WAIT = 10
ERRORS = {code: ErrorOut for code in (401, 409, 422)}
WAIT = (
    f"`?wait=SECONDS` (at most {MAX_WAIT}) answers once the capture is scored and routed, with "
    "the score and the handoff: the request routes it itself unless the worker already has it, "
    "and waits for the worker at most that long (still `received` after that)."
)
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


class CaptureOut(Schema):
    capture_id: int
    status: Capture.Status = Field(
        description="received: stored, waiting for the worker; scored: scored, no handoff (not "
        "an MQL, no agreement in force, or no rep could take it); routed: handed to a rep"
    )
    status_url: str = Field(description="Where to follow the capture: GET it with the same key")
    person_id: int
    created: bool = Field(description="True when this submission made the person")
    lifecycle_stage: str = Field(description="The person's stage as last known")
    score: int | None = Field(description="The total under the agreement in force, once scored")
    grade: str | None
    is_mql: bool | None
    touchpoint_id: int | None
    handoff_id: int | None = Field(description="The handoff to a rep, once routed")
    owner_id: int | None = Field(description="The rep the lead was handed to, once routed")


class CaptureStatusOut(CaptureOut):
    received_at: dt.datetime
    processed_at: dt.datetime | None = Field(description="When the worker scored and routed it")


class LeadOut(CaptureOut):
    email: str
    account_id: int | None
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


class CaptureLink(Schema):
    capture_id: int
    person_id: int
    status_url: str


class TouchBatchOut(Schema):
    accepted: int
    people_created: int
    touchpoint_ids: list[int]
    status: Capture.Status = Field(description="received, or routed with `?wait`")
    captures: list[CaptureLink] = Field(description="One per person touched, to follow")
    handoff_ids: list[int] = Field(
        description="With `?wait`: the handoffs to reps of the people now MQLs"
    )


def _errors(items: list[tuple[list, str, str]]) -> dict:
    return {"detail": [{"loc": loc, "msg": msg, "type": kind} for loc, msg, kind in items]}


def _submit(request, endpoint: str, key: str | None, data, answer):
    """`answer(submission)`'s status and answer, or the first answer again for a retry."""
    if key is not None and not 1 <= len(key) <= 255:
        loc = ["header", "Idempotency-Key"]
        return Status(422, _errors([(loc, "Use 1 to 255 characters", "invalid")]))
    try:
        return Status(*answer(idempotency.submission(request.auth, endpoint, key, data)))
    except idempotency.KeyReused as exc:
        return Status(409, _errors([(["header", "Idempotency-Key"], str(exc), "conflict")]))


class WaitIn(Schema):
    wait: float = Field(0, ge=0, le=MAX_WAIT, description="Seconds to wait for routing")


@router.post(
    "/leads",
    response={200: LeadOut, 201: LeadOut, **ERRORS},
    description="A form fill. The person is found by e-mail in any letter case (200) or made "
    "(201) with the account of the company domain or of the e-mail's domain (not free mail) "
    "and the touch is recorded with its channel; the answer comes at once with "
    '`"status": "received"` and a `status_url`. The worker then scores the person under the '
    "agreement in force and hands a new MQL to a rep (the SLA's clocks start then). "
    + WAIT
    + " "
    + IDEMPOTENCY,
)
def capture_lead(
    request: HttpRequest,
    payload: LeadIn,
    query: Query[WaitIn],
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    data = payload.model_dump(mode="json", exclude_unset=True)
    fields = payload.model_dump(exclude_unset=True)
    answer = _submit(
        request,
        "leads",
        idempotency_key,
        data,
        lambda submission: services.do_capture_lead_once(submission, fields, by=request.auth),
    )
    if query.wait and answer.status_code in (200, 201):
        batches.do_wait_for([answer.value["capture_id"]], query.wait)
        answer.value.update(selectors.capture_status(answer.value["capture_id"], request.auth))
    return answer


@router.post(
    "/touchpoints/batch",
    response={201: TouchBatchOut, **ERRORS},
    description=f"Up to {MAX_BATCH} touches, all or none: a bad item answers 422 with its index "
    "and field. Unknown e-mails become people. The answer comes at once; the worker then "
    "scores everybody touched and routes the new MQLs (one capture per person to follow). "
    + WAIT
    + " "
    + IDEMPOTENCY,
)
def capture_touchpoints(
    request: HttpRequest,
    payload: TouchBatchIn,
    query: Query[WaitIn],
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    data = payload.model_dump(mode="json", exclude_unset=True)
    items = [item.model_dump() for item in payload.touchpoints]

    try:
        answer = _submit(
            request,
            "touchpoints",
            idempotency_key,
            data,
            lambda submission: idempotency.do_submit_once(
                submission,
                lambda: (201, services.do_capture_touchpoints(items, by=request.auth).answer),
            ),
        )
    except services.BatchRefused as exc:
        errors = [
            (["body", "payload", "touchpoints", i, f], m, "invalid") for i, f, m in exc.errors
        ]
        return Status(422, _errors(errors))
    if query.wait and answer.status_code == 201:
        ids = [c["capture_id"] for c in answer.value["captures"]]
        batches.do_wait_for(ids, query.wait)
        states = [selectors.capture_status(pk, request.auth) for pk in ids]
        routed = all(s is not None and s["status"] != Capture.Status.RECEIVED for s in states)
        answer.value["status"] = Capture.Status.ROUTED if routed else Capture.Status.RECEIVED
        answer.value["handoff_ids"] = sorted(
            {s["handoff_id"] for s in states if s is not None and s["handoff_id"] is not None}
        )
    return answer


@router.get(
    "/captures/{capture_id}",
    response={200: CaptureStatusOut, 401: ErrorOut, 404: ErrorOut},
    description="A capture this key's user sent, as it stands: received (waiting for the "
    "worker), scored (no handoff) or routed (with the handoff and the rep). Another user's "
    "capture answers 404.",
)
def capture_status(request: HttpRequest, capture_id: int):
    found = selectors.capture_status(capture_id, request.auth)
    if found is None:
        return Status(404, {"detail": "No such capture"})
    return found
