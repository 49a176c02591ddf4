"""The audit trail over JSON, for admins: `GET /api/v1/audit`."""

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from accord.audit.selectors import AuditFilter, search_audit
from accord.crm.api import Page
from accord.teams.access import may_read_audit_trail

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_email: str | None
    action: str
    record_type: str
    record_id: str
    field: str
    old_value: str
    new_value: str
    reason: str
    request_id: str

    @staticmethod
    def resolve_actor_email(entry) -> str | None:
        return entry.actor.email if entry.actor else None


class AuditQuery(Schema):
    record_type: str = ""
    record_id: str = ""
    actor: str = Field("", description="an e-mail, or `system` for changes nobody made by hand")
    field: str = ""
    action: str = ""
    since: dt.date | None = Field(None, description="from this day (UTC), inclusive")
    until: dt.date | None = Field(None, description="to this day (UTC), inclusive")


@router.get(
    "/audit",
    response=list[AuditEntryOut],
    description="The audit trail, newest first: changes to lifecycle stages, owners, scores, "
    "deals' stages and amounts and the agreement, and every export. Admins only (others: 404).",
)
@paginate(Page)
def list_audit(request: HttpRequest, filters: Query[AuditQuery]):
    if not may_read_audit_trail(request.auth):  # type: ignore[attr-defined]
        raise Http404("No such endpoint")
    return search_audit(AuditFilter(**filters.model_dump()))
