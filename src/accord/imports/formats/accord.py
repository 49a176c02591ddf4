"""Accord's own exports (`accord export`), which `accord import` reads back unchanged.

The header lists here are what the export writes, so export and import cannot drift apart.
"""

from accord.imports.formats.base import (
    Format,
    amount,
    columns,
    currency,
    date,
    deal_stage,
    domain,
    email,
    lifecycle_stage,
    signature,
    text,
    timestamp,
    whole_number,
)
from accord.imports.formats.salesforce import salesforce_id

ACCORD_ID = "Accord ID"
EXTERNAL_IDS = (
    ("HubSpot ID", "hubspot_id", text),
    ("Salesforce ID", "salesforce_id", salesforce_id),
)

PEOPLE_COLUMNS = (
    (ACCORD_ID, "native_id", whole_number),
    ("Email", "email", email),
    ("First Name", "first_name", text),
    ("Last Name", "last_name", text),
    ("Job Title", "title", text),
    ("Phone Number", "phone", text),
    ("Lifecycle Stage", "lifecycle_stage", lifecycle_stage),
    ("Lead Status", "lead_status", text),
    ("Original Source", "original_source", text),
    ("Company Name", "account_name", text),
    ("Company Domain Name", "account_domain", domain),
    ("Account Accord ID", "account_native_id", whole_number),
    ("Create Date", "created_at", timestamp),
    *EXTERNAL_IDS,
)

ACCOUNT_COLUMNS = (
    (ACCORD_ID, "native_id", whole_number),
    ("Account Name", "name", text),
    ("Domain", "domain", domain),
    ("Industry", "industry", text),
    ("Employees", "employee_count", whole_number),
    ("Region", "region", text),
    ("Create Date", "created_at", timestamp),
    *EXTERNAL_IDS,
)

OPPORTUNITY_COLUMNS = (
    (ACCORD_ID, "native_id", whole_number),
    ("Opportunity Name", "name", text),
    ("Account Domain", "account_domain", domain),
    ("Account Accord ID", "account_native_id", whole_number),
    ("Contact Email", "contact_email", email),
    ("Amount", "amount", amount),
    ("Currency", "currency", currency),
    ("Stage", "stage", deal_stage),
    ("Created Date", "created_date", date),
    ("Close Date", "close_date", date),
    ("Lost Reason", "lost_reason", text),
    *EXTERNAL_IDS,
)


def _native(name, object_type, specs, *required):
    return Format(
        name=name,
        system="accord",
        object_type=object_type,
        columns=columns(*specs),
        signatures=(signature(ACCORD_ID, *required),),
        unescape_formulas=True,
    )


PEOPLE = _native("Accord people", "person", PEOPLE_COLUMNS, "Email", "Lifecycle Stage")
ACCOUNTS = _native("Accord accounts", "account", ACCOUNT_COLUMNS, "Account Name", "Domain")
OPPORTUNITIES = _native(
    "Accord opportunities", "opportunity", OPPORTUNITY_COLUMNS, "Opportunity Name", "Stage"
)

FORMATS = (PEOPLE, ACCOUNTS, OPPORTUNITIES)


def headers(specs) -> list[str]:
    return [spec[0] for spec in specs]
