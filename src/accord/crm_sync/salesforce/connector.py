"""The Salesforce connector: Accounts, Leads, Contacts, Opportunities, their contact roles,
Campaigns and CampaignMembers pulled on SystemModstamp (deleted and merged ones through
queryAll), owners read from Users, and Accord's score, grade, MQL moment, lead status and routed
owner written back in sObject collections.

A cursor is {"modstamp", "id"} of the last record written, and "full": true while a full pull is
under way (so `--full` killed midway goes on where it stopped rather than starting again)."""

import datetime as dt
import json
from collections.abc import Iterator, Sequence

from accord.crm.models import LifecycleStage
from accord.crm_sync.connector import (
    Change,
    CrmUnreachable,
    ObjectType,
    Page,
    RemoteRecord,
    Removal,
    SyncObject,
    Written,
)
from accord.crm_sync.salesforce import client
from accord.crm_sync.salesforce.client import Credentials, Position, SalesforceApi
from accord.crm_sync.secrets import SecretUnreadable
from accord.env import env_str
from accord.imports.formats.salesforce import LEAD_STATUS_STAGE
from accord.imports.mappings import kept_mappings
from accord.imports.models import ValueMapping

# The Accord fields each object has in Salesforce (the page's ownership table lists these): a
# contact has no status, a lead no account; an opportunity's primary contact comes from its
# contact roles; Accord's figures go to the custom fields of leads and contacts.
FIGURES = {"score", "grade", "mql_at"}
PERSON_FIELDS = {"email", "first_name", "last_name", "title", "phone", "owner"} | FIGURES
ACCOUNT = SyncObject("Account", ObjectType.ACCOUNT, "accounts")
LEAD = SyncObject(
    "Lead",
    ObjectType.PERSON,
    "leads",
    frozenset(PERSON_FIELDS | {"lead_status", "lifecycle_stage"}),
)
CONTACT = SyncObject(
    "Contact", ObjectType.PERSON, "contacts", frozenset(PERSON_FIELDS | {"account"})
)
OPPORTUNITY = SyncObject(
    "Opportunity",
    ObjectType.OPPORTUNITY,
    "opportunities",
    frozenset({"name", "amount", "stage", "close_date", "account", "primary_contact", "owner"}),
)
CONTACT_ROLE = SyncObject("OpportunityContactRole", ObjectType.DEAL_CONTACT, "contact roles")
CAMPAIGN = SyncObject("Campaign", ObjectType.CAMPAIGN, "campaigns")
CAMPAIGN_MEMBER = SyncObject("CampaignMember", ObjectType.TOUCHPOINT, "campaign members")
MERGEABLE = {"Lead", "Contact", "Account"}

# Each object's Salesforce fields under Accord's names. OwnerId becomes the owner's e-mail.
PULLED = {
    "Account": {
        "Name": "name",
        "Website": "domain",
        "Industry": "industry",
        "NumberOfEmployees": "employee_count",
        "BillingCountry": "region",
        "OwnerId": "owner",
    },
    "Lead": {
        "Email": "email",
        "FirstName": "first_name",
        "LastName": "last_name",
        "Title": "title",
        "Phone": "phone",
        "Status": "lead_status",
        "OwnerId": "owner",
    },
    "Contact": {
        "Email": "email",
        "FirstName": "first_name",
        "LastName": "last_name",
        "Title": "title",
        "Phone": "phone",
        "AccountId": "account",
        "OwnerId": "owner",
    },
    "Opportunity": {
        "Name": "name",
        "Amount": "amount",
        "StageName": "stage",
        "CloseDate": "close_date",
        "AccountId": "account",
        "OwnerId": "owner",
    },
    "OpportunityContactRole": {
        "OpportunityId": "deal",
        "ContactId": "person",
        "Role": "role",
        "IsPrimary": "primary",
    },
    "Campaign": {
        "Name": "name",
        "Type": "type",
        "Status": "status",
        "StartDate": "start_date",
        "EndDate": "end_date",
        "ActualCost": "cost",
    },
    "CampaignMember": {
        "CampaignId": "campaign",
        "ContactId": "person",
        "LeadId": "lead",
        "HasResponded": "responded",
        "FirstRespondedDate": "at",
        "CreatedDate": "created_at",
    },
}
# Salesforce's standard Campaign Status picklist; a custom status leaves Accord's as it is.
CAMPAIGN_STATUS = {
    "planned": "planned",
    "in progress": "active",
    "completed": "completed",
    "aborted": "cancelled",
}
PUSHED = {
    "score": "Accord_Score__c",
    "grade": "Accord_Grade__c",
    "mql_at": "Accord_MQL_At__c",
    "owner": "OwnerId",
    "lifecycle_stage": "Status",
}
CUSTOM = FIGURES
# The standard Lead Status Accord writes for the stage it moved a lead to; stages past SQL are
# reached by converting the lead in Salesforce, which Accord leaves to sales.
STATUS_FOR_STAGE = {
    LifecycleStage.SUBSCRIBER: "Open - Not Contacted",
    LifecycleStage.LEAD: "Open - Not Contacted",
    LifecycleStage.MQL: "Open - Not Contacted",
    LifecycleStage.SAL: "Working - Contacted",
    LifecycleStage.DISQUALIFIED: "Closed - Not Converted",
}
STAGES = {stage.value for stage in LifecycleStage}
STANDARD_STATUS = {status: stage.value for status, stage in LEAD_STATUS_STAGE.items()}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Salesforce:
    """The connector the sync engine drives for a Salesforce connection."""

    objects = (ACCOUNT, LEAD, CONTACT, OPPORTUNITY, CONTACT_ROLE, CAMPAIGN, CAMPAIGN_MEMBER)

    def __init__(self, credentials: Credentials, *, pacer: client.Pacer | None = None):
        self.api = SalesforceApi(credentials, pacer=pacer)
        self._users: dict[str, str] | None = None  # Salesforce user id -> e-mail
        self._budget_read = False

    def _guarded(self, action):
        try:
            return action()
        except client.SalesforceUnavailable as error:
            raise CrmUnreachable(str(error)) from None

    # Users, for owners both ways --------------------------------------------------------------

    def users(self) -> dict[str, str]:
        if self._users is None:
            pages = self.api.changed("User", ["Email", "IsActive"], None, include_deleted=False)
            self._users = {r["Id"]: r["Email"] or "" for p in pages for r in p.records}
        return self._users

    def _user_by_email(self, address: str) -> str | None:
        address = address.lower()
        return next((uid for uid, e in self.users().items() if e.lower() == address), None)

    # Pulling --------------------------------------------------------------------------------

    def pull(self, obj: SyncObject, cursor: dict, *, full: bool) -> Iterator[Page]:
        try:
            yield from self._pull(obj, cursor, full=full)
        except client.SalesforceUnavailable as error:
            raise CrmUnreachable(str(error)) from None

    def _pull(self, obj: SyncObject, cursor: dict, *, full: bool) -> Iterator[Page]:
        if not self._budget_read:
            self.api.budget()  # refuses to start on a nearly spent daily limit
            self._budget_read = True
        resuming_full = cursor.get("full") and cursor.get("id")
        since = None
        if cursor.get("id") and (not full or resuming_full):
            since = Position(cursor["modstamp"], cursor["id"])
        running_full = full or not cursor.get("id") or bool(resuming_full)
        columns = list(PULLED[obj.name])
        columns += ["IsDeleted"] + (["MasterRecordId"] if obj.name in MERGEABLE else [])
        users = self.users()
        position = since
        for page in self.api.changed(obj.name, columns, since, include_deleted=True):
            position = page.position
            live = [row for row in page.records if not row.get("IsDeleted")]
            removals = [
                Removal(row["Id"], row.get("MasterRecordId") or None)
                for row in page.records
                if row.get("IsDeleted")
            ]
            records = [RemoteRecord(row["Id"], self._fields(obj, row, users)) for row in live]
            yield Page(
                cursor=self._cursor(position, running_full),
                records=records,
                removals=removals,
                total=page.total,
            )
        # The pull reached the end: a full pull is done, the next one is incremental.
        yield Page(cursor=self._cursor(position, False))

    def _cursor(self, position: Position | None, full: bool) -> dict:
        if position is None:
            return {"full": full} if full else {}
        return {"modstamp": position.modstamp, "id": position.record_id, "full": full}

    def _fields(self, obj: SyncObject, row: dict, users: dict[str, str]) -> dict[str, str]:
        fields = {}
        for column, name in PULLED[obj.name].items():
            value = row.get(column)
            fields[name] = users.get(value, "") if name == "owner" and value else _text(value)
        if obj.name == "Lead":
            # The lead's stage is read from its status: Salesforce's standard ones are known,
            # others are named through the mappings kept for imports (accord mappings set).
            status = fields["lead_status"]
            key = " ".join(status.split()).casefold()
            fields["lifecycle_stage"] = STANDARD_STATUS.get(key, status)
        elif obj.name == "Campaign":
            fields["status"] = CAMPAIGN_STATUS.get(fields["status"].casefold(), "")
        elif obj.name == "CampaignMember":
            # A member is a touch when they responded, else when they joined.
            fields["at"] = fields["at"] or fields["created_at"]
            if fields["person"]:
                fields["lead"] = fields["lead"] if fields["lead"] != fields["person"] else ""
            else:
                fields["person"], fields["lead"] = fields["lead"], ""
        return fields

    # Pushing --------------------------------------------------------------------------------

    def outbound(self, obj: SyncObject, field: str, value) -> str | None:
        if field == "lifecycle_stage":
            if obj.name != "Lead":
                return None  # a Salesforce contact has no status
            status = self._status_for(value)
            if status is None:
                return None
            # As the status reads back on the next pull, so nothing is written twice.
            return STANDARD_STATUS.get(" ".join(status.split()).casefold(), status)
        if field == "owner":
            # The owner's e-mail as Salesforce spells it; None when no user there has it.
            user_id = self._guarded(lambda: self._user_by_email(str(value)))
            return self.users()[user_id] if user_id else None
        if isinstance(value, dt.datetime):
            return client.soql_datetime(value.astimezone(dt.UTC).isoformat())
        return _text(value)

    def _status_for(self, stage: str) -> str | None:
        mapped = kept_mappings().get(ValueMapping.Kind.LIFECYCLE_STAGE, {})
        for source_key, accord in mapped.items():
            if accord == stage and source_key not in STANDARD_STATUS:
                source = ValueMapping.objects.filter(
                    kind=ValueMapping.Kind.LIFECYCLE_STAGE, key=source_key
                ).values_list("source_value", flat=True)
                return source.first()
        return STATUS_FOR_STAGE.get(stage)

    def prepare_push(self, obj: SyncObject, fields: Sequence[str]) -> dict[str, str]:
        if not CUSTOM & set(fields):
            return {}
        missing = self._guarded(lambda: self.api.missing_fields(obj.name))
        by_column = {m.name: m for m in missing}
        refused = {}
        for name in fields:
            column = PUSHED.get(name)
            if column in by_column:
                refused[name] = (
                    f"Salesforce {obj.name} has no field {column}: create it as "
                    f"{json.dumps(by_column[column].metadata)}"
                )
        return refused

    def push(self, obj: SyncObject, changes: Sequence[Change]) -> list[Written]:
        results: dict[str, Written] = {}
        writes = []
        converted = set()
        if obj.name == "Lead":
            # A converted lead is read-only; the contact it became is the same Accord person
            # and gets these values in the contacts' own write-back.
            rows = self._guarded(
                lambda: self.api.among(
                    "Lead", [], "IsConverted = true", "Id", [c.remote_id for c in changes]
                )
            )
            converted = {row["Id"] for row in rows}
        for change in changes:
            if change.remote_id in converted:
                results[change.remote_id] = Written(change.remote_id, True)
                continue
            values = {}
            for name, text in change.fields.items():
                if text is None:
                    continue  # Salesforce cannot hold it (see outbound)
                if name == "lifecycle_stage":
                    status = self._status_for(text) if text in STAGES else text
                    if status:
                        values["Status"] = status
                elif name == "owner":
                    user_id = self._guarded(lambda t=text: self._user_by_email(t))
                    if user_id is None:
                        results[change.remote_id] = Written(
                            change.remote_id, False, f"no Salesforce user has the e-mail {text}"
                        )
                        break
                    values["OwnerId"] = user_id
                elif name == "score":
                    values[PUSHED[name]] = float(text)
                else:
                    values[PUSHED[name]] = text
            else:
                if values:
                    writes.append(client.Change(obj.name, change.remote_id, values))
                else:
                    results[change.remote_id] = Written(change.remote_id, True)
        for result in self._guarded(lambda: self.api.update(writes)):
            rid = result.change.record_id
            results[rid] = Written(rid, result.ok, result.error or "")
        return [results[c.remote_id] for c in changes]


def credentials(connection) -> Credentials:
    """A Salesforce connection's way in. The environment wins over what the sync page keeps:
    ACCORD_SALESFORCE_TOKEN with ACCORD_SALESFORCE_URL (the instance URL), or a connected app's
    ACCORD_SALESFORCE_CLIENT_ID with ACCORD_SALESFORCE_CLIENT_SECRET (client credentials, the
    URL being the org's My Domain) or with ACCORD_SALESFORCE_USERNAME and
    ACCORD_SALESFORCE_PRIVATE_KEY(_FILE) (JWT bearer). On the page, the secret kept encrypted is
    the token, the client secret or the private key, as the options (client id, user name) say."""
    url = env_str("ACCORD_SALESFORCE_URL") or connection.base_url or client.LOGIN_URL
    token = env_str("ACCORD_SALESFORCE_TOKEN")
    client_id = env_str("ACCORD_SALESFORCE_CLIENT_ID")
    if token or client_id:
        return Credentials(
            url=url,
            token=token,
            client_id=client_id,
            client_secret=env_str("ACCORD_SALESFORCE_CLIENT_SECRET"),
            username=env_str("ACCORD_SALESFORCE_USERNAME"),
            private_key=env_str("ACCORD_SALESFORCE_PRIVATE_KEY"),
        )
    try:
        secret = connection.secret
    except SecretUnreadable as exc:
        raise CrmUnreachable(str(exc)) from None
    options = connection.options or {}
    if not secret:
        raise CrmUnreachable(
            "no Salesforce credentials: connect Salesforce on the sync page or set "
            "ACCORD_SALESFORCE_TOKEN and ACCORD_SALESFORCE_URL"
        )
    if options.get("client_id") and options.get("username"):
        return Credentials(
            url, client_id=options["client_id"], username=options["username"], private_key=secret
        )
    if options.get("client_id"):
        return Credentials(url, client_id=options["client_id"], client_secret=secret)
    return Credentials(url, token=secret)


def from_connection(connection) -> Salesforce:
    """The connector for a Salesforce connection; CrmUnreachable when it has no way in."""
    creds = credentials(connection)
    try:
        if creds.flow:
            return Salesforce(creds)
    except client.CredentialsRefused as error:
        raise CrmUnreachable(str(error)) from None
    raise AssertionError("every flow has a name")
