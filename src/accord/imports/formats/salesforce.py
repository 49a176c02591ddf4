"""Salesforce exports: Data Loader / Data Export files (API names) and report exports (labels)."""

from accord.crm.models import LifecycleStage
from accord.imports.formats.base import (
    Format,
    activity,
    amount,
    columns,
    currency,
    date,
    deal_stage,
    domain,
    email,
    lead_status,
    owner,
    signature,
    source,
    text,
    timestamp,
    vocabulary,
    whole_number,
)

SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def salesforce_id(value: str) -> str:
    """A record id in its 18-character form: reports write the 15-character, case-sensitive id,
    Data Loader and the API the same id with a three-letter suffix that encodes its letter case,
    so a 15-character id is completed here and the two meet as one id wherever they are compared."""
    if not value.isascii() or not value.isalnum() or len(value) not in (15, 18):
        raise ValueError(f"{value!r} is not a Salesforce id (15 or 18 letters and digits)")
    if len(value) == 18:
        return value
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, char in enumerate(value[start : start + 5]) if char.isupper())
        suffix += SUFFIX_ALPHABET[bits]
    return value + suffix


# Salesforce's standard Lead Status picklist; custom statuses keep the stage as it is.
LEAD_STATUS_STAGE = {
    "open - not contacted": LifecycleStage.LEAD,
    "working - contacted": LifecycleStage.SAL,
    "closed - converted": LifecycleStage.SQL,
    "closed - not converted": LifecycleStage.DISQUALIFIED,
}


def stage_from_lead_status(values: dict) -> None:
    """A lead's stage from its status (unless the file says it), and its history: a lead from
    its CreatedDate, a sales qualified lead from its ConvertedDate."""
    if "created_at" in values:
        values["became_lead"] = values["created_at"]
    status = values.get("lead_status")
    if status and "lifecycle_stage" not in values:
        stage = LEAD_STATUS_STAGE.get(" ".join(status.split()).casefold())
        if stage:
            values["lifecycle_stage"] = stage.value


def _lead(name, id_header, specs, sig):
    return Format(
        name=name,
        system="salesforce",
        object_type="person",
        columns=columns((id_header, "source_id", salesforce_id), *specs),
        signatures=(sig,),
        derive=stage_from_lead_status,
    )


LEAD = _lead(
    "Salesforce leads",
    "Id",
    (
        ("FirstName", "first_name", text),
        ("LastName", "last_name", text),
        ("Company", "account_name", text),
        ("Email", "email", email),
        ("Title", "title", text),
        ("Phone", "phone", text),
        ("Status", "lead_status", lead_status),
        ("LeadSource", "original_source", source),
        ("OwnerId", "owner", owner),
        ("Industry", "account_industry", text),
        ("Website", "account_domain", domain),
        ("CreatedDate", "created_at", timestamp),
        ("ConvertedDate", "became_sql", timestamp),
    ),
    signature("Id", "LastName", "Company"),
)

LEAD_REPORT = _lead(
    "Salesforce lead report",
    "Lead ID",
    (
        ("First Name", "first_name", text),
        ("Last Name", "last_name", text),
        (("Company / Account", "Company"), "account_name", text),
        ("Email", "email", email),
        ("Title", "title", text),
        ("Phone", "phone", text),
        ("Lead Status", "lead_status", lead_status),
        ("Lead Source", "original_source", source),
        ("Lead Owner", "owner", owner),
        ("Industry", "account_industry", text),
        ("Website", "account_domain", domain),
        (("Create Date", "Created Date"), "created_at", timestamp),
        ("Converted Date", "became_sql", timestamp),
    ),
    signature("Lead ID", "Email"),
)

CONTACT = Format(
    name="Salesforce contacts",
    system="salesforce",
    object_type="person",
    columns=columns(
        ("Id", "source_id", salesforce_id),
        ("AccountId", "account_source_id", salesforce_id),
        ("FirstName", "first_name", text),
        ("LastName", "last_name", text),
        ("Email", "email", email),
        ("Title", "title", text),
        ("Phone", "phone", text),
        ("LeadSource", "original_source", source),
        ("OwnerId", "owner", owner),
        ("CreatedDate", "created_at", timestamp),
    ),
    signatures=(signature("Id", "LastName", "AccountId"),),
)

CONTACT_REPORT = Format(
    name="Salesforce contact report",
    system="salesforce",
    object_type="person",
    columns=columns(
        ("Contact ID", "source_id", salesforce_id),
        ("Account ID", "account_source_id", salesforce_id),
        ("Account Name", "account_name", text),
        ("First Name", "first_name", text),
        ("Last Name", "last_name", text),
        ("Email", "email", email),
        ("Title", "title", text),
        ("Phone", "phone", text),
        ("Lead Source", "original_source", source),
        ("Contact Owner", "owner", owner),
        (("Created Date", "Create Date"), "created_at", timestamp),
    ),
    signatures=(signature("Contact ID", "Account ID", "Email"),),
)


def _account(name, specs, *sigs):
    return Format(
        name=name,
        system="salesforce",
        object_type="account",
        columns=columns(*specs),
        signatures=sigs,
    )


ACCOUNT = _account(
    "Salesforce accounts",
    (
        ("Id", "source_id", salesforce_id),
        ("Name", "name", text),
        ("Website", "domain", domain),
        ("Industry", "industry", text),
        ("NumberOfEmployees", "employee_count", whole_number),
        ("BillingCountry", "region", text),
        ("OwnerId", "owner", owner),
        ("CreatedDate", "created_at", timestamp),
    ),
    signature("Id", "Name", "Website"),
    signature("Id", "Name", "Industry"),
    signature("Id", "Name", "BillingCountry"),
)

ACCOUNT_REPORT = _account(
    "Salesforce account report",
    (
        ("Account ID", "source_id", salesforce_id),
        ("Account Name", "name", text),
        ("Website", "domain", domain),
        ("Industry", "industry", text),
        (("Employees", "Number of Employees"), "employee_count", whole_number),
        (("Billing Country", "Billing Country/Region"), "region", text),
        ("Account Owner", "owner", owner),
        (("Created Date", "Create Date"), "created_at", timestamp),
    ),
    signature("Account ID", "Account Name"),
)


def _opportunity(name, specs, sig):
    return Format(
        name=name,
        system="salesforce",
        object_type="opportunity",
        columns=columns(*specs),
        signatures=(sig,),
    )


OPPORTUNITY = _opportunity(
    "Salesforce opportunities",
    (
        ("Id", "source_id", salesforce_id),
        ("AccountId", "account_source_id", salesforce_id),
        ("Name", "name", text),
        ("Amount", "amount", amount),
        ("CurrencyIsoCode", "currency", currency),
        ("StageName", "stage", deal_stage),
        ("OwnerId", "owner", owner),
        ("CreatedDate", "created_date", date),
        ("CloseDate", "close_date", date),
    ),
    signature("Id", "StageName"),
)

OPPORTUNITY_REPORT = _opportunity(
    "Salesforce opportunity report",
    (
        ("Opportunity ID", "source_id", salesforce_id),
        ("Account ID", "account_source_id", salesforce_id),
        ("Opportunity Name", "name", text),
        ("Amount", "amount", amount),
        (("Opportunity Currency", "Currency"), "currency", currency),
        ("Stage", "stage", deal_stage),
        ("Opportunity Owner", "owner", owner),
        (("Created Date", "Create Date"), "created_date", date),
        ("Close Date", "close_date", date),
    ),
    signature("Opportunity ID", "Stage"),
)


def _task(values: dict) -> str:
    """Calls are logged as tasks (TaskSubtype or Type "Call"); other tasks are not touches."""
    kinds = {values.get("task_subtype", ""), values.get("task_type", "")}
    return "call" if "call" in {k.casefold() for k in kinds} else "task"


# A Task or Event is a call or meeting touch of the lead or contact it names (WhoId).
TASK = Format(
    name="Salesforce tasks",
    system="salesforce",
    object_type="touchpoint",
    columns=columns(
        ("Id", "activity_id", salesforce_id),
        ("WhoId", "person_source_id", salesforce_id),
        ("ActivityDate", "occurred_at", timestamp),
        ("TaskSubtype", "task_subtype", text),
        ("Type", "task_type", text),
        ("Subject", "subject", text),
    ),
    signatures=(signature("Id", "WhoId", "TaskSubtype"), signature("Id", "WhoId", "Subject")),
    excludes=signature("StartDateTime"),
    derive=activity(_task),
    required=("occurred_at",),
)

EVENT = Format(
    name="Salesforce events",
    system="salesforce",
    object_type="touchpoint",
    columns=columns(
        ("Id", "activity_id", salesforce_id),
        ("WhoId", "person_source_id", salesforce_id),
        (("StartDateTime", "ActivityDateTime"), "occurred_at", timestamp),
        ("Subject", "subject", text),
    ),
    signatures=(signature("Id", "WhoId", "StartDateTime"),),
    derive=activity(lambda values: "meeting"),
    required=("occurred_at",),
)


def true_or_false(value: str) -> bool:
    """A checkbox as Salesforce writes it: true/false (Data Loader), 1/0 (reports)."""
    key = value.strip().casefold()
    if key in ("true", "1", "yes"):
        return True
    if key in ("false", "0", "no"):
        return False
    raise ValueError(f"{value!r} is not true or false")


# A campaign's Type names its channel through the source names and mappings (a type nothing
# names is listed for mapping, never guessed).
CAMPAIGN_STATUS = vocabulary(
    "campaign status",
    {
        "Planned": "planned",
        "In Progress": "active",
        "Completed": "completed",
        "Aborted": "cancelled",
    },
)


def _campaign(name, specs, sig):
    return Format(
        name=name,
        system="salesforce",
        object_type="campaign",
        columns=columns(*specs),
        signatures=(sig,),
        excludes=signature("Website"),
    )


CAMPAIGN = _campaign(
    "Salesforce campaigns",
    (
        ("Id", "source_id", salesforce_id),
        ("Name", "name", text),
        ("Type", "channel", source),
        ("Status", "status", CAMPAIGN_STATUS),
        ("StartDate", "start_date", date),
        ("EndDate", "end_date", date),
        ("ActualCost", "cost", amount),
    ),
    signature("Id", "Name", "Type", "Status"),
)

CAMPAIGN_REPORT = _campaign(
    "Salesforce campaign report",
    (
        ("Campaign ID", "source_id", salesforce_id),
        ("Campaign Name", "name", text),
        (("Type", "Campaign Type"), "channel", source),
        (("Status", "Campaign Status"), "status", CAMPAIGN_STATUS),
        ("Start Date", "start_date", date),
        ("End Date", "end_date", date),
        (("Actual Cost", "Actual Cost in Campaign"), "cost", amount),
    ),
    signature("Campaign ID", "Campaign Name"),
)


def _member(name, specs, *sigs):
    return Format(
        name=name,
        system="salesforce",
        object_type="campaign_member",
        columns=columns(*specs),
        signatures=sigs,
        required=("campaign_source_id",),
    )


# A member is a touch of its campaign at FirstRespondedDate, or when they became a member.
CAMPAIGN_MEMBER = _member(
    "Salesforce campaign members",
    (
        ("Id", "member_id", salesforce_id),
        ("CampaignId", "campaign_source_id", salesforce_id),
        ("LeadId", "lead_source_id", salesforce_id),
        ("ContactId", "person_source_id", salesforce_id),
        ("HasResponded", "responded", true_or_false),
        ("FirstRespondedDate", "responded_at", timestamp),
        ("CreatedDate", "created_at", timestamp),
    ),
    signature("CampaignId", "LeadId"),
    signature("CampaignId", "ContactId"),
)

CAMPAIGN_MEMBER_REPORT = _member(
    "Salesforce campaign member report",
    (
        ("Campaign ID", "campaign_source_id", salesforce_id),
        ("Lead ID", "lead_source_id", salesforce_id),
        ("Contact ID", "person_source_id", salesforce_id),
        ("Responded", "responded", true_or_false),
        (("First Responded Date", "Member First Responded Date"), "responded_at", timestamp),
        (("Created Date", "Member Created Date"), "created_at", timestamp),
    ),
    signature("Campaign ID", "Lead ID"),
    signature("Campaign ID", "Contact ID"),
)

# The contacts of an opportunity and their roles; the primary one is the deal's primary contact.
CONTACT_ROLE = Format(
    name="Salesforce opportunity contact roles",
    system="salesforce",
    object_type="deal_contact",
    columns=columns(
        ("Id", "role_id", salesforce_id),
        (("OpportunityId", "Opportunity ID"), "opportunity_source_id", salesforce_id),
        (("ContactId", "Contact ID"), "person_source_id", salesforce_id),
        (("Role", "Contact Role"), "role", text),
        (("IsPrimary", "Primary"), "primary", true_or_false),
    ),
    signatures=(
        signature("OpportunityId", "ContactId"),
        signature("Opportunity ID", "Contact ID", "Primary"),
    ),
    required=("opportunity_source_id", "person_source_id"),
)

# API-name files carry "Id"; report files never do, so both families can be tried in turn.
FORMATS = (
    CONTACT_ROLE,
    CAMPAIGN_MEMBER,
    CAMPAIGN_MEMBER_REPORT,
    CAMPAIGN,
    CAMPAIGN_REPORT,
    EVENT,
    TASK,
    OPPORTUNITY,
    LEAD,
    CONTACT,
    ACCOUNT,
    OPPORTUNITY_REPORT,
    LEAD_REPORT,
    CONTACT_REPORT,
    ACCOUNT_REPORT,
)
