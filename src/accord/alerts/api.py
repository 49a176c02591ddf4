"""The caller's notifications over JSON: `GET /api/v1/notifications`, the bell's list."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from accord.alerts.selectors import notifications_for
from accord.crm.api import Page

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    event: str = Field(description="lead.routed, sla.breached, lead.rejected or campaign.announced")
    subject: str
    link: str = Field(description="the path of the record in Accord's web app")
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_event(notification) -> str:
        return notification.alert.event

    @staticmethod
    def resolve_subject(notification) -> str:
        return notification.alert.subject

    @staticmethod
    def resolve_link(notification) -> str:
        return notification.alert.link

    @staticmethod
    def resolve_created_at(notification) -> dt.datetime:
        return notification.alert.created_at


class NotificationQuery(Schema):
    unread: bool = Field(False, description="only those not read yet")


@router.get(
    "/notifications",
    response=list[NotificationOut],
    description="What Accord told the token's owner (the same events it e-mails them), newest "
    "first, each with the record it is about and when it was read.",
)
@paginate(Page)
def list_notifications(request: HttpRequest, filters: Query[NotificationQuery]):
    notifications = notifications_for(request.auth)  # type: ignore[attr-defined]
    if filters.unread:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications
