"""HubSpot through its official client (`hubspot-api-client`), CRM v3.

The first pull of an object reads the list endpoint page by page (`after`); later pulls ask the
search endpoint for records modified since the last one written, oldest first. Each search
starts again from that time (a keyset: the modified time, and the ids already taken at that
very millisecond), so no page ever lies past the search's 10,000-result cap and a record
modified while the sync runs is neither lost nor counted twice; a millisecond shared by more
records than a search can leave out is read on its own, by id. Archived records are deleted
in Accord, merged ones merged (`hs_merged_object_ids` of the record kept).

Answers are read as JSON as they come (`_preload_content=False`): the client's model objects
cost more than the rest of a 100,000-contact pull."""

import datetime as dt
import json
from collections.abc import Generator, Iterator, Sequence
from email.utils import parsedate_to_datetime

from hubspot import Client
from hubspot.crm.associations.v4.exceptions import ApiException as AssociationsError
from hubspot.crm.objects.exceptions import ApiException as ObjectsError
from hubspot.crm.owners.exceptions import ApiException as OwnersError
from hubspot.crm.pipelines.exceptions import ApiException as PipelinesError
from hubspot.crm.properties.exceptions import ApiException as PropertiesError
from urllib3.exceptions import HTTPError
from urllib3.util.retry import Retry as UrllibRetry

from accord.crm.models import LifecycleStage
from accord.crm_sync.connector import (
    Change,
    CrmUnreachable,
    DealRole,
    ObjectType,
    Page,
    RemoteRecord,
    Removal,
    SyncObject,
    Written,
)
from accord.crm_sync.polite import Politeness, Retry

DEFAULT_URL = "https://api.hubapi.com"
LIST_PAGE, SEARCH_PAGE, PUSH_PAGE = 100, 200, 100
# A full pull counts as of when it began by HubSpot's clock (the Date of its first answer, to
# the second), less a second: a record changed as it ran is pulled again by the changes after.
CLOCK_MARGIN_MS = 1000
NO_RETRY = UrllibRetry(total=0, raise_on_status=False, respect_retry_after_header=False)
# Each API of the client raises its own ApiException.
ApiException = (ObjectsError, PropertiesError, OwnersError, PipelinesError, AssociationsError)
MAX_TIED = 100  # HubSpot takes at most 100 values in a NOT_IN filter

OBJECTS = (
    SyncObject("companies", ObjectType.ACCOUNT, "companies"),
    SyncObject("contacts", ObjectType.PERSON, "contacts"),
    SyncObject("deals", ObjectType.OPPORTUNITY, "deals"),
    SyncObject("calls", ObjectType.ACTIVITY, "calls"),
    SyncObject("meetings", ObjectType.ACTIVITY, "meetings"),
    SyncObject("emails", ObjectType.ACTIVITY, "e-mails"),
)
# Calls, meetings and one-to-one e-mails logged with a contact: a sales touch of their first
# contact, at hs_timestamp (touchpoints.members.activity_touch says which).
ACTIVITY_KINDS = {"calls": "call", "meetings": "meeting", "emails": "email"}
# Accord's field -> HubSpot's property.
PROPERTIES = {
    "companies": {
        "name": "name",
        "domain": "domain",
        "industry": "industry",
        "employee_count": "numberofemployees",
        "region": "country",
        "owner": "hubspot_owner_id",
    },
    "contacts": {
        "email": "email",
        "first_name": "firstname",
        "last_name": "lastname",
        "title": "jobtitle",
        "phone": "phone",
        "lead_status": "hs_lead_status",
        "lifecycle_stage": "lifecyclestage",
        "owner": "hubspot_owner_id",
        "account": "associatedcompanyid",
        "score": "accord_score",
        "grade": "accord_grade",
        "mql_at": "accord_mql_at",
    },
    "calls": {"at": "hs_timestamp"},
    "meetings": {"at": "hs_timestamp"},
    "emails": {
        "at": "hs_timestamp",
        "email_direction": "hs_email_direction",
        "email_status": "hs_email_status",
    },
    "deals": {
        "name": "dealname",
        "amount": "amount",
        "currency": "deal_currency_code",
        "stage": "dealstage",
        "close_date": "closedate",
        "lost_reason": "closed_lost_reason",
        "owner": "hubspot_owner_id",
    },
}
MODIFIED = {"contacts": "lastmodifieddate"}  # the others: hs_lastmodifieddate
# The contact properties Accord writes, created when missing.
ACCORD_PROPERTIES = {
    "score": ("accord_score", "Accord score", "number", "number"),
    "grade": ("accord_grade", "Accord grade", "string", "text"),
    "mql_at": ("accord_mql_at", "Accord MQL date", "datetime", "date"),
}
# Accord's funnel in HubSpot's lifecycle stages (HubSpot has no stage for a sales-accepted lead,
# nor for one disqualified).
LIFECYCLE_OUT = {
    LifecycleStage.SUBSCRIBER: "subscriber",
    LifecycleStage.LEAD: "lead",
    LifecycleStage.MQL: "marketingqualifiedlead",
    LifecycleStage.SAL: "salesqualifiedlead",
    LifecycleStage.SQL: "salesqualifiedlead",
    LifecycleStage.OPPORTUNITY: "opportunity",
    LifecycleStage.CUSTOMER: "customer",
    LifecycleStage.EVANGELIST: "evangelist",
    LifecycleStage.OTHER: "other",
    LifecycleStage.DISQUALIFIED: "other",
}


def _ms(text: str) -> int:
    """A HubSpot time (ISO 8601, or milliseconds) as milliseconds since 1970."""
    if text.isdigit():
        return int(text)
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


class HubSpot:
    """One run's connector: it keeps the owners and pipelines it read for the run."""

    objects = OBJECTS

    def __init__(self, token: str, base_url: str = "", politeness: Politeness | None = None):
        self.client = Client.create(
            access_token=token,
            host=(base_url or DEFAULT_URL).rstrip("/"),
            # urllib3 would wait out a 429 itself, unseen: the waiting is Politeness's alone
            retry=NO_RETRY,
        )
        self.polite = politeness or Politeness()
        self._owners: dict[str, str] | None = None  # HubSpot owner id -> e-mail
        self._stages: dict[str, str] | None = None  # deal stage id -> its label
        self.answered_at = 0

    # --- talking to HubSpot -------------------------------------------------------------------

    def _call(self, fn, *args, **kwargs) -> dict:
        return self.polite.call("HubSpot", self._once, fn, *args, **kwargs)

    def _once(self, fn, *args, **kwargs) -> dict:
        try:
            response = fn(*args, _preload_content=False, **kwargs)
        except ApiException as exc:
            raise self._refusal(exc) from None
        except HTTPError as exc:  # refused connection, reset, time-out
            raise Retry(f"no answer ({exc.__class__.__name__})") from None
        self._pace(response.headers)
        self.answered_at = _answered_at(response.headers)
        data = response.data
        return json.loads(data) if data else {}

    def _refusal(self, exc) -> Exception:
        status = exc.status or 0
        if status in (401, 403):
            return CrmUnreachable(
                f"HubSpot refused the token ({status}): check the private app's token and its "
                "scopes (crm.objects.contacts/companies/deals read and write, "
                "crm.schemas.contacts.write, crm.objects.owners.read, sales-email-read)"
            )
        if status == 429 or status >= 500 or status == 0:
            after = dict(exc.headers or {}).get("Retry-After")
            wait = float(after) if after and after.replace(".", "", 1).isdigit() else None
            return Retry(f"{status} {exc.reason}".strip(), wait)
        return exc

    def _pace(self, headers) -> None:
        """Keep under the per-10-second burst HubSpot announces: once fewer than a tenth of the
        window's requests are left, wait a window's share before the next."""
        try:
            most = int(headers.get("X-HubSpot-RateLimit-Max"))
            left = int(headers.get("X-HubSpot-RateLimit-Remaining"))
            window = int(headers.get("X-HubSpot-RateLimit-Interval-Milliseconds")) / 1000
        except (TypeError, ValueError):
            return
        if most and left < most / 10:
            self.polite.sleep(window / most)

    def owners(self) -> dict[str, str]:
        if self._owners is None:
            self._owners, after = {}, None
            while True:
                kwargs = {"limit": 500} | ({"after": after} if after else {})
                page = self._call(self.client.crm.owners.owners_api.get_page, **kwargs)
                for owner in page.get("results", []):
                    self._owners[str(owner["id"])] = (owner.get("email") or "").lower()
                after = page.get("paging", {}).get("next", {}).get("after")
                if not after:
                    break
        return self._owners

    def stages(self) -> dict[str, str]:
        if self._stages is None:
            page = self._call(self.client.crm.pipelines.pipelines_api.get_all, "deals")
            self._stages = {
                stage["id"]: stage["label"]
                for pipeline in page.get("results", [])
                for stage in pipeline.get("stages", [])
            }
        return self._stages

    # --- pulling ------------------------------------------------------------------------------

    def pull(self, obj: SyncObject, cursor: dict, *, full: bool) -> Iterator[Page]:
        if full and cursor.get("phase") != "full" or not cursor:
            cursor = {"phase": "full", "after": None, "began": None}
        if cursor["phase"] == "full":
            began = yield from self._list(obj, cursor)
            cursor = {
                "phase": "changes",
                "since": began - CLOCK_MARGIN_MS,
                "tied": [],
                "removed_since": began - CLOCK_MARGIN_MS,
            }
            yield Page(cursor)
        cursor = yield from self._changes(obj, cursor)
        yield from self._archived(obj, cursor)

    def _names(self, obj: SyncObject) -> list[str]:
        pulled = {"score", "grade", "mql_at"}
        names = [p for f, p in PROPERTIES[obj.name].items() if f not in pulled]
        return [*names, "hs_merged_object_ids", MODIFIED.get(obj.name, "hs_lastmodifieddate")]

    def _list(self, obj: SyncObject, cursor: dict) -> Generator[Page, None, int]:
        """Every record, by the list endpoint; returns when the full pull began."""
        names = self._names(obj)
        while True:
            kwargs = {"limit": LIST_PAGE, "properties": names, "archived": False}
            if cursor["after"]:
                kwargs["after"] = cursor["after"]
            page = self._call(self.client.crm.objects.basic_api.get_page, obj.name, **kwargs)
            after = page.get("paging", {}).get("next", {}).get("after")
            cursor = cursor | {"after": after, "began": cursor["began"] or self.answered_at}
            records, removals = self._records(obj, page.get("results", []))
            yield Page(cursor, records, removals)
            if not after:
                return cursor["began"]

    def _changes(self, obj: SyncObject, cursor: dict) -> Generator[Page, None, dict]:
        """Records modified since the cursor; returns the cursor after the last of them.

        The search sorts on one property only, so records modified in the same millisecond
        come in no stated order. The ids taken at the cursor's millisecond are left out of the
        next search (NOT_IN takes 100); when more than that share one millisecond, that
        millisecond is read on its own in id order (`within`: the last id taken), then the
        search goes on after it."""
        modified = MODIFIED.get(obj.name, "hs_lastmodifieddate")
        names = self._names(obj)
        while True:
            within = cursor.get("within")
            since = str(cursor["since"])
            if within is not None:
                groups = [
                    [
                        {"propertyName": modified, "operator": "EQ", "value": since},
                        {"propertyName": "hs_object_id", "operator": "GT", "value": within},
                    ]
                ]
                sort = "hs_object_id"
            elif cursor["tied"]:
                # later than the cursor, or at its millisecond and not taken yet (a record taken
                # there and modified again since is later: it comes again)
                groups = [
                    [{"propertyName": modified, "operator": "GT", "value": since}],
                    [
                        {"propertyName": modified, "operator": "EQ", "value": since},
                        {
                            "propertyName": "hs_object_id",
                            "operator": "NOT_IN",
                            "values": cursor["tied"],
                        },
                    ],
                ]
                sort = modified
            else:
                groups = [[{"propertyName": modified, "operator": "GTE", "value": since}]]
                sort = modified
            body = {
                "filterGroups": [{"filters": filters} for filters in groups],
                "sorts": [{"propertyName": sort, "direction": "ASCENDING"}],
                "properties": names,
                "limit": SEARCH_PAGE,
                "after": "0",
            }
            page = self._call(self.client.crm.objects.search_api.do_search, obj.name, body)
            results = page.get("results", [])
            if within is not None:
                # The crowded millisecond, by id; once read, the search goes on after it.
                last = results[-1]["id"] if results else within
                cursor = cursor | (
                    {"since": cursor["since"] + 1, "tied": [], "within": None}
                    if len(results) < SEARCH_PAGE
                    else {"within": last}
                )
                done = False
            else:
                if not results:
                    return cursor
                since, tied = cursor["since"], list(cursor["tied"])
                for result in results:
                    at = _ms(result["properties"].get(modified) or result["updatedAt"])
                    if at > since:
                        since, tied = at, []
                    tied.append(result["id"])
                if len(tied) > MAX_TIED:
                    # Too many to leave out by id: read that millisecond whole, by id (the
                    # records taken already are taken again, unchanged).
                    cursor = cursor | {"since": since, "tied": [], "within": "0"}
                else:
                    cursor = cursor | {"since": since, "tied": tied, "within": None}
                done = len(results) < SEARCH_PAGE and cursor["within"] is None
            records, removals = self._records(obj, results)
            yield Page(cursor, records, removals, total=page.get("total"))
            if done:
                return cursor

    def _archived(self, obj: SyncObject, cursor: dict) -> Iterator[Page]:
        """Archived records since the last look (HubSpot lists them all; only newer ones count)."""
        since, newest, after = cursor["removed_since"], cursor["removed_since"], None
        removals = []
        while True:
            kwargs = {"limit": LIST_PAGE, "archived": True} | ({"after": after} if after else {})
            page = self._call(self.client.crm.objects.basic_api.get_page, obj.name, **kwargs)
            for result in page.get("results", []):
                at = _ms(result.get("archivedAt") or result["updatedAt"])
                if at >= since:
                    removals.append(Removal(result["id"]))
                    newest = max(newest, at)
            after = page.get("paging", {}).get("next", {}).get("after")
            if not after:
                break
        yield Page(cursor | {"removed_since": newest}, removals=removals)

    def _records(self, obj: SyncObject, results: list[dict]):
        owners = self.owners()
        stages = self.stages() if obj.name == "deals" else {}
        ids = [r["id"] for r in results]
        links: dict[str, dict[str, str]] = {}
        roles: dict[str, tuple[DealRole, ...]] = {}
        if obj.name == "deals":
            links, roles = self._deal_links(ids)
        if obj.name in ACTIVITY_KINDS:
            links = self._contacts_of(obj.name, ids)
        records, removals = [], []
        for result in results:
            props = result.get("properties") or {}
            fields = {}
            for name, prop in PROPERTIES[obj.name].items():
                if prop in props and name not in ACCORD_PROPERTIES:
                    fields[name] = props[prop] or ""
            if fields.get("owner"):
                fields["owner"] = owners.get(fields["owner"], "")
            if "stage" in fields:
                fields["stage"] = stages.get(fields["stage"], fields["stage"])
            fields |= links.get(result["id"], {})
            fields["created_at"] = props.get("createdate") or result.get("createdAt") or ""
            if obj.name in ACTIVITY_KINDS:
                fields["kind"] = ACTIVITY_KINDS[obj.name]
            records.append(RemoteRecord(result["id"], fields, roles.get(result["id"])))
            for merged in (props.get("hs_merged_object_ids") or "").split(";"):
                if merged.strip():
                    removals.append(Removal(merged.strip(), merged_into=result["id"]))
        return records, removals

    def _associated(self, name: str, to: str, ids: list[str]) -> dict[str, list[dict]]:
        """Every record of `to` associated with each of `ids` (the v4 batch read), with the
        association's types; a record with more than one answer holds is read on by `after`."""
        found: dict[str, list[dict]] = {i: [] for i in ids}
        batch = self.client.crm.associations.v4.batch_api
        inputs = [{"id": i} for i in ids]
        while inputs:
            page = self._call(batch.get_page, name, to, {"inputs": inputs})
            inputs = []
            for result in page.get("results", []):
                rid = str(result["from"]["id"])
                found.setdefault(rid, []).extend(result.get("to") or [])
                after = (result.get("paging") or {}).get("next", {}).get("after")
                if after:
                    inputs.append({"id": rid, "after": after})
        return found

    def _contacts_of(self, name: str, ids: list[str]) -> dict[str, dict[str, str]]:
        """The contact a call or meeting was logged with (its first associated contact)."""
        if not ids:
            return {}
        return {
            rid: {"person": str(targets[0]["toObjectId"]) if targets else ""}
            for rid, targets in self._associated(name, "contacts", ids).items()
        }

    def _deal_links(self, ids: list[str]):
        """A deal's account (its first associated company), every contact associated with it and
        the part each plays by the association's labels ("Decision maker"; HubSpot's unlabeled
        association names none), the first of them its primary contact."""
        if not ids:
            return {}, {}
        companies = self._associated("deals", "companies", ids)
        contacts = self._associated("deals", "contacts", ids)
        links, roles = {}, {}
        for rid in ids:
            firms, people = companies.get(rid, []), contacts.get(rid, [])
            links[rid] = {
                "account": str(firms[0]["toObjectId"]) if firms else "",
                "primary_contact": str(people[0]["toObjectId"]) if people else "",
            }
            roles[rid] = tuple(
                DealRole(str(target["toObjectId"]), _labels(target)) for target in people
            )
        return links, roles

    # --- writing back -------------------------------------------------------------------------

    def outbound(self, obj: SyncObject, field: str, value) -> str | None:
        if field == "lifecycle_stage":
            return LIFECYCLE_OUT.get(value)
        if field == "owner":  # as pulled: the owner's e-mail (push turns it into their id)
            email = str(value).lower()
            return email if email in self.owners().values() else None
        if isinstance(value, dt.datetime):
            return (
                value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            )
        return str(value)

    def prepare_push(self, obj: SyncObject, fields: Sequence[str]) -> dict[str, str]:
        """Create the contact properties Accord writes (accord_score …) where missing."""
        core = self.client.crm.properties.core_api
        for name in fields:
            if name not in ACCORD_PROPERTIES:
                continue
            prop, label, type_, field_type = ACCORD_PROPERTIES[name]
            try:
                self._call(core.get_by_name, obj.name, prop)
            except ApiException as exc:
                if exc.status != 404:
                    raise
                body = {
                    "name": prop,
                    "label": label,
                    "type": type_,
                    "fieldType": field_type,
                    "groupName": "contactinformation",
                    "description": "Written by Accord; changes made here are written over.",
                }
                self._call(core.create, obj.name, body)
        return {}

    def push(self, obj: SyncObject, changes: Sequence[Change]) -> list[Written]:
        names = PROPERTIES[obj.name]
        owner_ids = {email: oid for oid, email in self.owners().items()}

        def value(field, text):
            return owner_ids[text] if field == "owner" else text

        body = {
            "inputs": [
                {
                    "id": c.remote_id,
                    "properties": {names[f]: value(f, v) for f, v in c.fields.items()},
                }
                for c in changes
            ]
        }
        try:
            answer = self._call(self.client.crm.objects.batch_api.update, obj.name, body)
        except ApiException as exc:  # the whole batch refused (400): each record says so
            reason = f"HubSpot refused the batch ({exc.status}): {_message(exc)}"
            return [Written(c.remote_id, False, reason) for c in changes]
        refused = {}
        for error in answer.get("errors", []):
            for rid in (error.get("context") or {}).get("ids", []):
                refused[str(rid)] = error.get("message") or error.get("category", "refused")
        return [
            Written(c.remote_id, c.remote_id not in refused, refused.get(c.remote_id, ""))
            for c in changes
        ]


def _labels(target: dict) -> str:
    """An association's custom labels, as one role ("Decision maker, Budget holder")."""
    labels = [t["label"] for t in target.get("associationTypes") or [] if t.get("label")]
    return ", ".join(dict.fromkeys(labels))


def _message(exc: ObjectsError) -> str:
    try:
        return json.loads(exc.body)["message"]
    except (TypeError, ValueError, KeyError):
        return str(exc.reason)


def _answered_at(headers) -> int:
    """When HubSpot answered, by its clock (ours if it did not say)."""
    try:
        at = parsedate_to_datetime(headers.get("Date"))
    except (TypeError, ValueError):
        at = dt.datetime.now(dt.UTC)
    return int(at.timestamp() * 1000)
