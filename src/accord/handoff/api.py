"""The inbox over JSON: the leads handed to me (or my team), and what I do with each.

A rep sees and acts on their own leads only; a sales head on the whole team's, and may
reassign. Another rep's lead answers 404. Refusals: 403 who may not do it, 409 a closed
handoff, 422 a missing or unknown field (named).
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from accord.crm.schemas import ErrorOut
from accord.handoff import services
from accord.handoff.models import RejectReason
from accord.handoff.selectors import (
    InboxItem,
    access_handoff,
    inbox_handoffs,
    inbox_item,
    inbox_items,
    inbox_page,
    open_or_closed_handoffs,
)
from accord.handoff.services import HandoffClosed, HandoffRefused, NotAllowed
from accord.inputs import Id, StrictIn, Text
from accord.teams.models import User

router = Router(tags=["inbox"])
ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


class ScoreLine(Schema):
    rule: str
    points: int


class ScoreOut(Schema):
    total: int
    grade: str
    is_mql: bool
    explanation: list[ScoreLine]


class ClockOut(Schema):
    """One SLA clock: its deadline in UTC and in the team's time zone, and the working hours
    left (negative once overdue). Null once the clock has stopped."""

    due_at: dt.datetime
    due_local: dt.datetime
    working_hours_left: float
    overdue: bool


class InboxItemOut(Schema):
    id: int
    status: str
    person_id: int
    name: str
    email: str
    title: str
    company: str | None
    assigned_to_id: int
    assigned_to: str
    routed_because: str
    handed_off_at: dt.datetime = Field(description="When the lead was routed: its clocks start")
    captured_at: dt.datetime | None = Field(
        description="When the capture that made the lead an MQL arrived"
    )
    time_zone: str
    score: ScoreOut | None
    first_touch: ClockOut | None
    decision: ClockOut | None
    overdue: bool
    reject_reason: str
    comment: str


class InboxOut(Schema):
    items: list[InboxItemOut]
    count: int


class InboxQuery(Schema):
    rep_id: Id | None = Field(None, description="A head's team inbox narrowed to one rep")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=2**63 - 1)


class RejectIn(StrictIn):
    reason_code: RejectReason
    comment: Text(2000) = ""


class ReassignIn(StrictIn):
    to_rep_id: Id


def _clock(hours: float | None, due_at: dt.datetime, due_local: dt.datetime):
    if hours is None:
        return None
    return ClockOut(due_at=due_at, due_local=due_local, working_hours_left=hours, overdue=hours < 0)


def item_out(item: InboxItem) -> InboxItemOut:
    h, score = item.handoff, item.score
    return InboxItemOut(
        id=h.pk,
        status=h.status,
        person_id=h.person_id,
        name=h.person.name,
        email=h.person.email,
        title=h.person.title,
        company=h.person.account.name if h.person.account else None,
        assigned_to_id=h.assigned_to_id,
        assigned_to=str(h.assigned_to),
        routed_because=h.reason,
        handed_off_at=h.handed_off_at,
        captured_at=h.captured_at,
        time_zone=h.team.time_zone,
        score=None
        if score is None
        else ScoreOut(
            total=score.total,
            grade=score.fit_grade,
            is_mql=score.is_mql,
            explanation=[ScoreLine(rule=e.rule, points=e.points) for e in item.explanation],
        ),
        first_touch=_clock(
            item.first_touch_hours_left, h.first_touch_due_at, item.first_touch_due_local
        ),
        decision=_clock(item.decision_hours_left, h.decision_due_at, item.decision_due_local),
        overdue=item.is_overdue,
        reject_reason=h.reject_reason,
        comment=h.comment,
    )


def _refused(exc: HandoffRefused) -> Status:
    code = 403 if isinstance(exc, NotAllowed) else 409 if isinstance(exc, HandoffClosed) else 422
    if exc.field is None:
        return Status(code, {"detail": exc.message})
    loc = ["body", "payload", exc.field]
    return Status(code, {"detail": [{"loc": loc, "msg": exc.message, "type": "invalid"}]})


def _act(request: HttpRequest, handoff_id: int, action) -> Status | InboxItemOut:
    handoff = access_handoff(request.user, handoff_id)
    try:
        done = action(handoff)
    except HandoffRefused as exc:
        return _refused(exc)
    return item_out(inbox_item(access_handoff(request.user, done.pk)))


@router.get("/inbox", response={200: InboxOut, **ERRORS})
def inbox(request: HttpRequest, query: Query[InboxQuery]):
    """My open leads, those waiting for a decision first (most urgent first), then the accepted
    ones (latest first), each with why it was routed to me, why it qualified (the agreement's
    score explanation) and its SLA clocks in working hours; `limit` at a time from `offset`,
    and `count` of them all."""
    handoffs = inbox_handoffs(request.user, rep_id=query.rep_id)
    ids = handoffs.values_list("pk", flat=True)[query.offset : query.offset + query.limit]
    items = inbox_items(inbox_page(handoffs, ids, explained=True))
    return {"items": [item_out(item) for item in items], "count": handoffs.count()}


@router.post("/handoffs/{handoff_id}/accept", response={200: InboxItemOut, **ERRORS})
def accept(request: HttpRequest, handoff_id: int):
    """Accept the lead: it becomes a sales accepted lead (SAL)."""
    return _act(request, handoff_id, lambda h: services.do_accept(h, request.user))


@router.post("/handoffs/{handoff_id}/reject", response={200: InboxItemOut, **ERRORS})
def reject(request: HttpRequest, handoff_id: int, payload: RejectIn):
    """Send the lead back to marketing with a reason (and a comment, required for 'other'):
    recycled to nurture or disqualified, as the agreement in force says for that reason."""
    user = request.user
    return _act(
        request,
        handoff_id,
        lambda h: services.do_reject(
            h, user, payload.reason_code, payload.comment, services.check_terms()
        ),
    )


@router.post("/handoffs/{handoff_id}/convert", response={200: InboxItemOut, **ERRORS})
def convert(request: HttpRequest, handoff_id: int):
    """The lead is sales qualified (SQL); accepted in the same step if it was not yet."""
    return _act(request, handoff_id, lambda h: services.do_convert(h, request.user))


@router.post("/handoffs/{handoff_id}/first-touch", response={200: InboxItemOut, **ERRORS})
def first_touch(request: HttpRequest, handoff_id: int):
    """I reached out to the lead: stops the first-touch clock."""
    return _act(request, handoff_id, lambda h: services.do_record_first_touch(h, request.user))


@router.post("/handoffs/{handoff_id}/reassign", response={200: InboxItemOut, **ERRORS})
def reassign(request: HttpRequest, handoff_id: int, payload: ReassignIn):
    """The sales head gives the lead to another rep of the team; the clocks keep running.
    Answers the new handoff."""

    def move(handoff):
        to_rep = User.objects.filter(pk=payload.to_rep_id).first()
        if to_rep is None:
            raise HandoffRefused(f"No user with id {payload.to_rep_id}", field="to_rep_id")
        try:
            return services.do_reassign(handoff, request.user, to_rep)
        except HandoffRefused as exc:
            if exc.field == "to_rep":  # the page's field; the API calls it to_rep_id
                exc.field = "to_rep_id"
            raise

    return _act(request, handoff_id, move)


class BulkIn(StrictIn):
    action: services.BulkAction
    handoff_ids: list[Id] = Field(min_length=1, max_length=services.BULK_LIMIT)
    reason_code: RejectReason | None = Field(None, description="To reject: one reason for all")
    comment: Text(2000) = ""
    to_rep_id: Id | None = Field(None, description="To reassign: the rep who gets them all")


class RefusalOut(Schema):
    handoff_id: int
    lead: str
    reason: str


class BulkOut(Schema):
    action: str
    done: list[InboxItemOut] = Field(
        description="The handoffs as they are now (reassigned: the new ones)"
    )
    refused: list[RefusalOut]


@router.post("/handoffs/bulk", response={200: BulkOut, **ERRORS})
def bulk(request: HttpRequest, payload: BulkIn):
    """Accept, reject with one reason, or (the sales head) reassign several leads in one
    transaction, by the same rules as one by one; each lead refused is listed with why, and
    the others are still done."""
    user = request.user
    chosen = open_or_closed_handoffs(user, payload.handoff_ids)
    to_rep = User.objects.filter(pk=payload.to_rep_id).first() if payload.to_rep_id else None
    if payload.to_rep_id and to_rep is None:
        return _refused(HandoffRefused(f"No user with id {payload.to_rep_id}", "to_rep_id"))
    try:
        result = services.do_bulk(
            chosen,
            user,
            payload.action,
            reason_code=payload.reason_code or "",
            comment=payload.comment,
            to_rep=to_rep,
        )
    except HandoffRefused as exc:
        return _refused(exc)
    found = {handoff.pk for handoff in chosen}
    missing = [
        RefusalOut(handoff_id=pk, lead="", reason=f"No handoff with id {pk}")
        for pk in dict.fromkeys(payload.handoff_ids)
        if pk not in found
    ]
    done = inbox_items(open_or_closed_handoffs(user, [h.pk for h in result.done]))
    return {
        "action": result.action,
        "done": [item_out(item) for item in done],
        "refused": [RefusalOut(**vars(r)) for r in result.refused] + missing,
    }


class PoolRouteIn(StrictIn):
    limit: int = Field(services.POOL_BATCH, ge=1, le=500)


class PoolRoutingOut(Schema):
    routed: int
    no_rep: int = Field(description="MQLs for whom no rep was available (away or at capacity)")
    waiting: int = Field(description="MQLs still in the pool afterwards")


@router.post("/handoffs/pool/route", response={200: PoolRoutingOut, **ERRORS})
def route_pool(request: HttpRequest, payload: PoolRouteIn):
    """The sales head hands the MQLs no rep holds (made MQL by a rescore, an import or by hand)
    to reps by the routing rules, longest waiting first, `limit` at a time."""
    try:
        return services.do_route_pool(request.user, limit=payload.limit)
    except HandoffRefused as exc:
        return _refused(exc)
