"""HubSpot exports (contacts, companies, deals, and the calls, meetings, e-mails and notes reps
log) as HubSpot writes them: display-label headers."""

from accord.imports.formats.base import (
    Format,
    activity,
    all_ids,
    amount,
    columns,
    currency,
    date,
    deal_stage,
    domain,
    email,
    first_id,
    lead_status,
    lifecycle_stage,
    owner,
    signature,
    source,
    text,
    timestamp,
    whole_number,
)

RECORD_ID = "Record ID"

# "Became a Lead Date" and its kin: when the contact entered each stage, its lifecycle history.
BECAME = tuple(
    (
        (f"Became a {label} Date", f"Became an {label} Date"),
        f"became_{stage}",
        timestamp,
    )
    for stage, label in (
        ("subscriber", "Subscriber"),
        ("lead", "Lead"),
        ("mql", "Marketing Qualified Lead"),
        ("sql", "Sales Qualified Lead"),
        ("opportunity", "Opportunity"),
        ("customer", "Customer"),
        ("evangelist", "Evangelist"),
    )
)

CONTACTS = Format(
    name="HubSpot contacts",
    system="hubspot",
    object_type="person",
    columns=columns(
        ((RECORD_ID, "Contact ID"), "source_id", text),
        (("Email", "Email Address"), "email", email),
        ("First Name", "first_name", text),
        ("Last Name", "last_name", text),
        ("Job Title", "title", text),
        (("Phone Number", "Phone"), "phone", text),
        ("Lifecycle Stage", "lifecycle_stage", lifecycle_stage),
        ("Lead Status", "lead_status", lead_status),
        ("Original Source", "original_source", source),
        ("Contact owner", "owner", owner),
        (("Company Name", "Associated Company"), "account_name", text),
        (
            (
                "Associated Company IDs",
                "Associated Company ID",
                "Associated Company IDs (Primary)",
            ),
            "account_source_id",
            first_id,
        ),
        (("Company Domain Name", "Website URL"), "account_domain", domain),
        ("Industry", "account_industry", text),
        ("Create Date", "created_at", timestamp),
        *BECAME,
    ),
    signatures=(signature(RECORD_ID, "Email"), signature("Contact ID", "Email")),
    excludes=signature("Deal Name", "Accord ID"),
)

COMPANIES = Format(
    name="HubSpot companies",
    system="hubspot",
    object_type="account",
    columns=columns(
        ((RECORD_ID, "Company ID"), "source_id", text),
        ("Company name", "name", text),
        (("Company Domain Name", "Website URL"), "domain", domain),
        ("Industry", "industry", text),
        ("Number of Employees", "employee_count", whole_number),
        (("Country/Region", "Country"), "region", text),
        ("Company owner", "owner", owner),
        ("Create Date", "created_at", timestamp),
    ),
    signatures=(
        signature(RECORD_ID, "Company name"),
        signature(RECORD_ID, "Company Domain Name"),
        signature("Company ID", "Company name"),
    ),
    excludes=signature("Email", "Deal Name", "Accord ID"),
)

DEALS = Format(
    name="HubSpot deals",
    system="hubspot",
    object_type="opportunity",
    columns=columns(
        ((RECORD_ID, "Deal ID"), "source_id", text),
        ("Deal Name", "name", text),
        ("Amount", "amount", amount),
        (("Currency", "Deal Currency Code"), "currency", currency),
        ("Pipeline", "pipeline", text),
        ("Deal Stage", "stage", deal_stage),
        ("Deal owner", "owner", owner),
        ("Create Date", "created_date", date),
        ("Close Date", "close_date", date),
        ("Closed Lost Reason", "lost_reason", text),
        (
            (
                "Associated Company IDs",
                "Associated Company ID",
                "Associated Company IDs (Primary)",
            ),
            "account_source_id",
            first_id,
        ),
        # every contact of the deal: each one of its contacts (crm.DealContact), the first the
        # contact it names
        (("Associated Contact IDs", "Associated Contact ID"), "contact_source_ids", all_ids),
    ),
    signatures=(signature(RECORD_ID, "Deal Name"), signature("Deal ID", "Deal Name")),
    scopes={"stage": "pipeline"},
)

# An activity export (calls, meetings, e-mails, notes): each row a touch of its first associated
# contact at its Activity date, as the sync makes it; a note, or an e-mail never delivered, none.
ACTIVITY_COLUMNS = (
    ((RECORD_ID, "Activity ID"), "activity_id", text),
    ("Activity type", "activity", text),
    (("Activity date", "Activity Date"), "occurred_at", timestamp),
    (
        ("Associated Contact IDs", "Associated Contact ID", "Associated Contact IDs (Primary)"),
        "person_source_id",
        first_id,
    ),
    ("Email direction", "email_direction", text),
    (("Email send status", "Email status"), "email_status", text),
)


def _activities(name: str, kind: str, *marks: str) -> Format:
    """The export of one activity type, known by a column only it has (or by Activity type)."""
    return Format(
        name=f"HubSpot {name}",
        system="hubspot",
        object_type="touchpoint",
        columns=columns(*ACTIVITY_COLUMNS),
        signatures=tuple(signature(RECORD_ID, "Activity date", mark) for mark in marks),
        excludes=signature("Email", "Deal Name"),
        derive=activity(lambda values: values.get("activity") or kind),
        required=("occurred_at",),
    )


ACTIVITIES = (
    _activities("calls", "call", "Call Title", "Call direction", "Call outcome"),
    _activities("meetings", "meeting", "Meeting name", "Meeting start time", "Meeting outcome"),
    _activities("e-mails", "email", "Email subject", "Email direction"),
    _activities("notes", "note", "Note body"),
    _activities("activities", "", "Activity type"),
)

FORMATS = (*ACTIVITIES, DEALS, CONTACTS, COMPANIES)
