"""Reading the audit trail: one record's history, and an admin's search."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from accord.audit.models import AuditEntry
from accord.periods import day_after, day_start


@dataclass(frozen=True)
class AuditFilter:
    record_type: str = ""
    record_id: str = ""
    actor: str = ""  # an e-mail, or "system" for changes nobody made by hand
    field: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


def history_for(record_type: str, record_id: int | str) -> QuerySet[AuditEntry]:
    """Everything that happened to one record, newest first."""
    return AuditEntry.objects.filter(
        record_type=record_type, record_id=str(record_id)
    ).select_related("actor")


def search_audit(filters: AuditFilter) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor")
    exact = {
        "record_type": filters.record_type,
        "record_id": filters.record_id,
        "field": filters.field,
        "action": filters.action,
    }
    entries = entries.filter(**{name: value for name, value in exact.items() if value})
    if filters.actor.lower() == "system":
        entries = entries.filter(actor__isnull=True)
    elif filters.actor:
        entries = entries.filter(actor__email__iexact=filters.actor)
    if filters.since:
        entries = entries.filter(at__gte=day_start(filters.since))
    if filters.until:
        entries = entries.filter(at__lt=day_after(filters.until))
    return entries


def record_types() -> list[str]:
    return sorted(AuditEntry.objects.order_by().values_list("record_type", flat=True).distinct())
