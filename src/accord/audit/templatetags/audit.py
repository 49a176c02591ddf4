from django import template

from accord.audit.models import AuditEntry
from accord.audit.selectors import history_for

register = template.Library()

HISTORY_ROWS = 200
# The admin's models whose change view has a "History" of audit entries, and their record type.
RECORD_TYPES = {
    "crm.person": AuditEntry.RecordType.PERSON,
    "crm.account": AuditEntry.RecordType.ACCOUNT,
    "crm.opportunity": AuditEntry.RecordType.OPPORTUNITY,
    "agreement.agreementversion": AuditEntry.RecordType.AGREEMENT,
}


@register.simple_tag
def admin_audit_history(opts, record) -> dict:
    """The newest entries of one record's history, for the admin's "History" page."""
    record_type = RECORD_TYPES[opts.label_lower]
    entries = list(history_for(record_type, record.pk)[:HISTORY_ROWS])
    return {"record_type": record_type, "entries": entries}
