"""A stateful Salesforce org on loopback, written from Salesforce's public REST API reference, for
the official client (simple-salesforce) to talk to in tests.

What it answers, as Salesforce does:
- `POST /services/oauth2/token`: the client-credentials flow (consumer key and secret, in a Basic
  header or the form) and the JWT bearer flow (an RS256 assertion signed with the connected app's
  key, `aud` the login URL, `sub` a known user); `invalid_client` / `invalid_grant` otherwise.
- `GET .../query` and `.../queryAll` with a small SOQL: `SELECT fields FROM object [WHERE a op
  literal, or a IN (literal, ...) [AND ...]] [ORDER BY field [ASC|DESC], ...] [LIMIT n]`. A
  query's rows are fixed when it runs (its cursor), handed out a batch at a time (2,000, or
  the `Sforce-Query-Options: batchSize` header, at least 200 as Salesforce says; `batch_size`
  here overrides it so tests page on a few rows) with `nextRecordsUrl`. `query` leaves out
  deleted rows; `queryAll` keeps them with `IsDeleted` true and, for a merged Lead, Contact or
  Account, `MasterRecordId`.
- `GET .../sobjects/{type}/deleted/?start=&end=` (getDeleted) and `.../sobjects/{type}/describe`.
- `GET .../limits`: `DailyApiRequests`; every other call counts against it, is answered with
  `Sforce-Limit-Info: api-usage=used/max`, and once it is spent answers 403 REQUEST_LIMIT_EXCEEDED.
- `PATCH .../composite/sobjects`: sObject collections, up to 200 records, `allOrNone` false (each
  record fails alone, in order) or true (one failure rolls every record back).
- `throttle(...)`: the next calls answer 429 (or 403 REQUEST_LIMIT_EXCEEDED) with `Retry-After`.

simple-salesforce builds every URL as `https://host`, so the fake serves TLS with a certificate
from a throwaway CA (trustme); the client trusts it through `REQUESTS_CA_BUNDLE`.
"""

import base64
import itertools
import json
import re
import ssl
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import jwt
import trustme
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

API_VERSION = "59.0"
PREFIXES = {
    "Account": "001",
    "Contact": "003",
    "Opportunity": "006",
    "OpportunityContactRole": "00K",
    "Lead": "00Q",
    "User": "005",
    "Campaign": "701",
    "CampaignMember": "00v",
}
AUDIT_FIELDS = ("Id", "CreatedDate", "LastModifiedDate", "SystemModstamp", "LastModifiedById")
# Each object's fields beyond the audit ones: name -> describe type.
FIELDS = {
    "Lead": {
        "FirstName": "string",
        "LastName": "string",
        "Email": "email",
        "Company": "string",
        "Title": "string",
        "Phone": "phone",
        "Status": "picklist",
        "LeadSource": "picklist",
        "Industry": "picklist",
        "Country": "string",
        "Website": "url",
        "OwnerId": "reference",
        "IsConverted": "boolean",
        "ConvertedContactId": "reference",
        "ConvertedAccountId": "reference",
        "IsDeleted": "boolean",
        "MasterRecordId": "reference",
    },
    "Contact": {
        "FirstName": "string",
        "LastName": "string",
        "Email": "email",
        "AccountId": "reference",
        "Title": "string",
        "Phone": "phone",
        "LeadSource": "picklist",
        "OwnerId": "reference",
        "IsDeleted": "boolean",
        "MasterRecordId": "reference",
    },
    "Account": {
        "Name": "string",
        "Website": "url",
        "Industry": "picklist",
        "BillingCountry": "string",
        "NumberOfEmployees": "int",
        "AnnualRevenue": "currency",
        "OwnerId": "reference",
        "IsDeleted": "boolean",
        "MasterRecordId": "reference",
    },
    "Opportunity": {
        "Name": "string",
        "AccountId": "reference",
        "StageName": "picklist",
        "Amount": "currency",
        "CloseDate": "date",
        "OwnerId": "reference",
        "CampaignId": "reference",
        "IsClosed": "boolean",
        "IsWon": "boolean",
        "IsDeleted": "boolean",
    },
    "OpportunityContactRole": {
        "OpportunityId": "reference",
        "ContactId": "reference",
        "Role": "picklist",
        "IsPrimary": "boolean",
        "IsDeleted": "boolean",
    },
    # Users are deactivated, never deleted: the object has no IsDeleted.
    "User": {
        "Email": "email",
        "FirstName": "string",
        "LastName": "string",
        "Name": "string",
        "IsActive": "boolean",
    },
    "Campaign": {
        "Name": "string",
        "Type": "picklist",
        "Status": "picklist",
        "StartDate": "date",
        "EndDate": "date",
        "ActualCost": "currency",
        "BudgetedCost": "currency",
        "IsActive": "boolean",
        "IsDeleted": "boolean",
    },
    "CampaignMember": {
        "CampaignId": "reference",
        "LeadId": "reference",
        "ContactId": "reference",
        "Status": "picklist",
        "HasResponded": "boolean",
        "FirstRespondedDate": "date",
        "IsDeleted": "boolean",
    },
}
MERGEABLE = ("Lead", "Contact", "Account")
SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
DEFAULT_BATCH = 2000


def stamp(moment: datetime) -> str:
    """A datetime as Salesforce writes it: milliseconds and +0000."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}+0000"
    )


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("+0000", "+00:00").replace("Z", "+00:00"))


def id18(prefix: str, number: int) -> str:
    base = f"{prefix}Ab{number:010d}"
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, char in enumerate(base[start : start + 5]) if char.isupper())
        suffix += SUFFIX_ALPHABET[bits]
    return base + suffix


class SoqlError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class Soql:
    fields: list[str]
    sobject: str
    where: list[tuple[str, str, object]]
    order: list[tuple[str, bool]]
    limit: int | None


SOQL = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<sobject>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+ORDER\s+BY\s+(?P<order>.+?))?"
    r"(?:\s+LIMIT\s+(?P<limit>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
CONDITION = re.compile(r"^\s*(\w+)\s*(=|!=|<=|>=|<|>|\bIN\b)\s*(.+?)\s*$", re.IGNORECASE)
DATETIME_LITERAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")


def _literal(text: str) -> object:
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        return text[1:-1].replace("\\'", "'")
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    if DATETIME_LITERAL.match(text):
        return datetime.fromisoformat(re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    try:
        return float(text)
    except ValueError:
        raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{text}'") from None


def parse_soql(text: str, known: dict[str, dict[str, str]]) -> Soql:
    match = SOQL.match(text)
    if not match:
        raise SoqlError("MALFORMED_QUERY", f"unexpected query: {text[:80]}")
    sobject = match["sobject"]
    if sobject not in known:
        raise SoqlError("INVALID_TYPE", f"sObject type '{sobject}' is not supported.")
    columns = set(known[sobject]) | set(AUDIT_FIELDS)

    def check(field: str) -> str:
        if field not in columns:
            raise SoqlError("INVALID_FIELD", f"No such column '{field}' on entity '{sobject}'.")
        return field

    fields = [check(f.strip()) for f in match["fields"].split(",")]
    where = []
    if match["where"]:
        for part in re.split(r"\s+AND\s+", match["where"], flags=re.IGNORECASE):
            condition = CONDITION.match(part)
            if not condition:
                raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{part.strip()}'")
            op, operand = condition[2].upper(), condition[3]
            if op == "IN":
                if not (operand.startswith("(") and operand.endswith(")")):
                    raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{operand}'")
                items = [_literal(item.strip()) for item in operand[1:-1].split(",")]
                where.append((check(condition[1]), op, items))
            else:
                where.append((check(condition[1]), op, _literal(operand)))
    order = []
    if match["order"]:
        for part in match["order"].split(","):
            words = part.split()
            if (
                not words
                or len(words) > 2
                or (len(words) == 2 and words[1].upper() not in ("ASC", "DESC"))
            ):
                raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{part.strip()}'")
            order.append((check(words[0]), len(words) == 2 and words[1].upper() == "DESC"))
    return Soql(fields, sobject, where, order, int(match["limit"]) if match["limit"] else None)


def _comparable(value: object) -> object:
    if isinstance(value, str) and DATETIME_LITERAL.match(value.replace("+0000", "+00:00")):
        return parse_stamp(value)
    return value


def _holds(record: dict, field: str, op: str, literal: object) -> bool:
    value = _comparable(record.get(field))
    if op == "IN":
        return value in literal
    if op in ("=", "!="):
        return (value == literal) is (op == "=")
    if value is None or literal is None:
        return False
    if isinstance(literal, date) and not isinstance(literal, datetime):
        value = date.fromisoformat(str(value)[:10])
    return {
        "<": value < literal,
        "<=": value <= literal,
        ">": value > literal,
        ">=": value >= literal,
    }[op]


def _sort_key(value: object) -> tuple:
    # Salesforce sorts nulls first in ascending order.
    return (value is not None, _comparable(value) if value is not None else 0)


class FakeSalesforce:
    """One org: its records, its users and connected app, its API budget and what to refuse."""

    def __init__(self, *, daily_limit: int = 15000):
        self.lock = threading.RLock()
        self.records: dict[str, dict[str, dict]] = {name: {} for name in FIELDS}
        self.fields = {name: dict(spec) for name, spec in FIELDS.items()}
        self.numbers = itertools.count(1)
        self.clock = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self.daily_limit = daily_limit
        self.api_used = 0
        self.batch_size: int | None = None  # tests page on a few rows
        self.cursors: dict[str, dict] = {}
        self.refusals: list[tuple[int, str, str, int | None]] = []
        self.refuse_writes: dict[str, tuple[str, str]] = {}
        self.before_page = None  # called with (locator, batch number) before a later batch
        self.calls: list[tuple[str, str]] = []
        self.client_id = "3MVG9fake.consumer.key"
        self.client_secret = "fake-consumer-secret"
        self.jwt_public_key: bytes | None = None
        self.token = "00Dfake!session.token"
        self.integration_user = self.create(
            "User",
            Email="integration@accord.example",
            LastName="Accord",
            Name="Accord",
            IsActive=True,
        )
        self._server = None
        self.url = ""

    # The org's data, as its users change it -------------------------------------------------

    def tick(self) -> datetime:
        """The next moment: every write gets a SystemModstamp later than the one before."""
        self.clock += timedelta(milliseconds=7)
        return self.clock

    def create(self, sobject: str, **values) -> str:
        with self.lock:
            now = stamp(self.tick())
            record_id = id18(PREFIXES[sobject], next(self.numbers))
            record = {name: None for name in self.fields[sobject]}
            if "IsDeleted" in record:
                record["IsDeleted"] = False
            record.update(values)
            record.update(
                Id=record_id,
                CreatedDate=now,
                LastModifiedDate=now,
                SystemModstamp=now,
                LastModifiedById=values.get("LastModifiedById"),
            )
            self.records[sobject][record_id] = record
            return record_id

    def update(self, sobject: str, record_id: str, *, by: str | None = None, **values) -> None:
        with self.lock:
            record = self.records[sobject][record_id]
            now = stamp(self.tick())
            record.update(values, LastModifiedDate=now, SystemModstamp=now, LastModifiedById=by)

    def delete(self, sobject: str, record_id: str) -> None:
        """To the recycle bin: gone from query, seen by queryAll and getDeleted."""
        with self.lock:
            self.update(sobject, record_id, IsDeleted=True)

    def merge(self, sobject: str, master_id: str, duplicate_id: str) -> None:
        """The duplicate is deleted, pointing at its master; the master is modified."""
        assert sobject in MERGEABLE, f"{sobject} records cannot be merged"
        with self.lock:
            self.update(sobject, duplicate_id, IsDeleted=True, MasterRecordId=master_id)
            self.update(sobject, master_id)

    def convert(self, lead_id: str, account_id: str | None = None) -> str:
        """Sales converts a lead: a contact is made from it and the lead is closed, read-only."""
        with self.lock:
            lead = self.records["Lead"][lead_id]
            contact = self.create(
                "Contact",
                Email=lead["Email"],
                FirstName=lead["FirstName"],
                LastName=lead["LastName"],
                AccountId=account_id,
                OwnerId=lead["OwnerId"],
            )
            self.update(
                "Lead",
                lead_id,
                IsConverted=True,
                Status="Closed - Converted",
                ConvertedContactId=contact,
                ConvertedAccountId=account_id,
            )
            return contact

    def add_accord_fields(self, *sobjects: str) -> None:
        """An admin created the custom fields Accord writes to."""
        for sobject in sobjects:
            self.fields[sobject].update(
                Accord_Score__c="double", Accord_Grade__c="string", Accord_MQL_At__c="datetime"
            )
            for record in self.records[sobject].values():
                for name in ("Accord_Score__c", "Accord_Grade__c", "Accord_MQL_At__c"):
                    record.setdefault(name, None)

    def throttle(self, times: int = 1, *, status: int = 429, retry_after: int | None = 1) -> None:
        """The next `times` API calls are refused with REQUEST_LIMIT_EXCEEDED."""
        message = (
            "ConcurrentPerOrgLongTxn Limit exceeded." if status == 403 else ("Too many requests.")
        )
        self.refusals.extend([(status, "REQUEST_LIMIT_EXCEEDED", message, retry_after)] * times)

    def get(self, sobject: str, record_id: str) -> dict:
        with self.lock:
            return dict(self.records[sobject][record_id])

    # Serving ----------------------------------------------------------------------------------

    def start(self, ca: trustme.CA) -> str:
        """Serve on a free loopback port over TLS; returns the instance URL."""
        cert = ca.issue_cert("127.0.0.1", "localhost")
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(ssl_context)
        self._server = make_server(
            "127.0.0.1", 0, self.wsgi, threaded=True, ssl_context=ssl_context
        )
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"https://127.0.0.1:{self._server.server_port}"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def wsgi(self, environ, start_response):
        request = Request(environ)
        with self.lock:
            response = self.answer(request)
        return response(environ, start_response)

    def answer(self, request: Request) -> Response:
        path = request.path
        self.calls.append((request.method, path))
        if path == "/services/oauth2/token" and request.method == "POST":
            return self.issue_token(request)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self.error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        under = re.match(r"^/services/data/v\d+\.\d/(.*)$", path)
        if not under:
            return self.error(404, "NOT_FOUND", "The requested resource does not exist")
        route = under[1].strip("/")
        if route == "limits":
            return self.json(
                {
                    "DailyApiRequests": {
                        "Max": self.daily_limit,
                        "Remaining": max(0, self.daily_limit - self.api_used),
                    }
                }
            )
        if self.refusals:
            status, code, message, retry_after = self.refusals.pop(0)
            response = self.error(status, code, message)
            if retry_after is not None:
                response.headers["Retry-After"] = str(retry_after)
            return response
        if self.api_used >= self.daily_limit:
            return self.error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        self.api_used += 1
        response = self.route(request, route)
        response.headers["Sforce-Limit-Info"] = f"api-usage={self.api_used}/{self.daily_limit}"
        return response

    def route(self, request: Request, route: str) -> Response:
        parts = route.split("/")
        if parts[0] in ("query", "queryAll") and request.method == "GET":
            if len(parts) == 2:
                return self.next_batch(parts[1])
            return self.run_query(request, include_deleted=parts[0] == "queryAll")
        if route == "composite/sobjects" and request.method == "PATCH":
            return self.update_collection(request)
        if parts[0] == "sobjects" and len(parts) == 3 and parts[1] in self.fields:
            if parts[2] == "describe":
                return self.describe(parts[1])
            if parts[2] == "deleted":
                return self.get_deleted(request, parts[1])
        if parts[0] == "sobjects" and len(parts) >= 2 and parts[1] not in self.fields:
            return self.error(404, "NOT_FOUND", "The requested resource does not exist")
        return self.error(404, "NOT_FOUND", "The requested resource does not exist")

    # OAuth 2.0 ------------------------------------------------------------------------------

    def issue_token(self, request: Request) -> Response:
        grant = request.form.get("grant_type")
        if grant == "client_credentials":
            key, secret = request.form.get("client_id"), request.form.get("client_secret")
            basic = request.headers.get("Authorization", "")
            if basic.startswith("Basic "):
                key, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            if (key, secret) != (self.client_id, self.client_secret):
                return self.oauth_error("invalid_client", "invalid client credentials")
            return self.token_answer(request)
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            if self.jwt_public_key is None:
                return self.oauth_error("invalid_grant", "invalid assertion")
            try:
                claims = jwt.decode(
                    request.form.get("assertion", ""),
                    self.jwt_public_key,
                    algorithms=["RS256"],
                    audience=request.host_url.rstrip("/"),
                    options={"require": ["iss", "sub", "aud", "exp"]},
                )
            except jwt.PyJWTError as error:
                return self.oauth_error("invalid_grant", f"invalid assertion: {error}")
            if claims["iss"] != self.client_id:
                return self.oauth_error("invalid_client_id", "client identifier invalid")
            users = {u["Email"] for u in self.records["User"].values() if u["IsActive"]}
            if claims["sub"] not in users:
                return self.oauth_error("invalid_grant", "user hasn't approved this consumer")
            return self.token_answer(request)
        return self.oauth_error("unsupported_grant_type", "grant type not supported")

    def token_answer(self, request: Request) -> Response:
        base = request.host_url.rstrip("/")
        return self.json(
            {
                "access_token": self.token,
                "instance_url": base,
                "id": f"{base}/id/00Dfake/{self.integration_user}",
                "token_type": "Bearer",
                "issued_at": str(int(self.clock.timestamp() * 1000)),
                "signature": "fake",
            }
        )

    def oauth_error(self, error: str, description: str) -> Response:
        return self.json({"error": error, "error_description": description}, status=400)

    # Query ----------------------------------------------------------------------------------

    def run_query(self, request: Request, *, include_deleted: bool) -> Response:
        try:
            soql = parse_soql(request.args.get("q", ""), self.fields)
        except SoqlError as error:
            return self.error(400, error.code, str(error))
        rows = [
            r
            for r in self.records[soql.sobject].values()
            if (include_deleted or not r.get("IsDeleted"))
            and all(_holds(r, f, op, lit) for f, op, lit in soql.where)
        ]
        for field, descending in reversed(soql.order):
            rows.sort(key=lambda r, f=field: _sort_key(r.get(f)), reverse=descending)
        if soql.limit is not None:
            rows = rows[: soql.limit]
        size = self.batch_size or DEFAULT_BATCH
        options = request.headers.get("Sforce-Query-Options", "")
        asked = re.search(r"batchSize=(\d+)", options)
        if asked and self.batch_size is None:
            size = min(DEFAULT_BATCH, max(200, int(asked[1])))
        # The cursor holds the rows as they were when the query ran.
        snapshot = [self.shape(soql.sobject, r, soql.fields) for r in rows]
        locator = f"01gFAKE{next(self.numbers):011d}"
        endpoint = "queryAll" if include_deleted else "query"
        self.cursors[locator] = {"rows": snapshot, "size": size, "endpoint": endpoint}
        return self.batch(locator, 0)

    def next_batch(self, identifier: str) -> Response:
        locator, _, position = identifier.rpartition("-")
        if locator not in self.cursors or not position.isdigit():
            return self.error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        cursor = self.cursors[locator]
        if self.before_page is not None:
            self.before_page(locator, int(position) // cursor["size"])
        return self.batch(locator, int(position))

    def batch(self, locator: str, position: int) -> Response:
        cursor = self.cursors[locator]
        rows, size = cursor["rows"], cursor["size"]
        body = {
            "totalSize": len(rows),
            "done": position + size >= len(rows),
            "records": rows[position : position + size],
        }
        if not body["done"]:
            body["nextRecordsUrl"] = (
                f"/services/data/v{API_VERSION}/{cursor['endpoint']}/{locator}-{position + size}"
            )
        return self.json(body)

    def shape(self, sobject: str, record: dict, fields: list[str]) -> dict:
        shaped = {
            "attributes": {
                "type": sobject,
                "url": f"/services/data/v{API_VERSION}/sobjects/{sobject}/{record['Id']}",
            }
        }
        shaped.update((f, record.get(f)) for f in fields)
        return shaped

    def get_deleted(self, request: Request, sobject: str) -> Response:
        if "IsDeleted" not in self.fields[sobject]:
            return self.error(400, "INVALID_TYPE", f"{sobject} does not support getDeleted")
        try:
            start = parse_stamp(request.args["start"])
            end = parse_stamp(request.args["end"])
        except (KeyError, ValueError):
            return self.error(400, "INVALID_REPLICATION_DATE", "start and end must be dates")
        deleted = [
            {"id": r["Id"], "deletedDate": r["SystemModstamp"]}
            for r in self.records[sobject].values()
            if r.get("IsDeleted") and start <= parse_stamp(r["SystemModstamp"]) <= end
        ]
        return self.json(
            {
                "deletedRecords": deleted,
                "earliestDateAvailable": stamp(datetime(2025, 12, 1, tzinfo=UTC)),
                "latestDateCovered": stamp(min(end, self.clock)),
            }
        )

    def describe(self, sobject: str) -> Response:
        fields = [
            {
                "name": name,
                "type": kind,
                "label": name.removesuffix("__c").replace("_", " "),
                "custom": name.endswith("__c"),
                "updateable": name not in AUDIT_FIELDS and name not in ("IsDeleted", "Id"),
            }
            for name, kind in [("Id", "id"), *self.fields[sobject].items()]
        ]
        return self.json({"name": sobject, "label": sobject, "fields": fields})

    # Writes ---------------------------------------------------------------------------------

    def update_collection(self, request: Request) -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            return self.error(400, "JSON_PARSER_ERROR", "records is required")
        records = body["records"]
        if len(records) > 200:
            return self.error(
                400,
                "EXCEEDED_ID_LIMIT",
                "record limit reached. cannot submit more than 200 records",
            )
        all_or_none = bool(body.get("allOrNone"))
        results, staged = [], []
        for item in records:
            sobject = (item.get("attributes") or {}).get("type")
            record_id = item.get("id") or item.get("Id")
            values = {k: v for k, v in item.items() if k not in ("attributes", "id", "Id")}
            failure = self.write_failure(sobject, record_id, values)
            if failure:
                results.append({"success": False, "errors": [failure]})
            else:
                results.append({"id": record_id, "success": True, "errors": []})
                staged.append((sobject, record_id, values))
        if all_or_none and any(not r["success"] for r in results):
            rolled_back = {
                "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                "message": "Record rolled back because not all records were valid and the request "
                "was using AllOrNone header",
                "fields": [],
            }
            return self.json(
                [
                    r if not r["success"] else {"success": False, "errors": [rolled_back]}
                    for r in results
                ]
            )
        for sobject, record_id, values in staged:
            self.update(sobject, record_id, by=self.integration_user, **values)
        return self.json(results)

    def write_failure(self, sobject, record_id, values) -> dict | None:
        if sobject not in self.fields:
            return {
                "statusCode": "INVALID_TYPE",
                "message": "sObject type is required",
                "fields": [],
            }
        record = self.records[sobject].get(record_id or "")
        if record is None:
            return {
                "statusCode": "INVALID_CROSS_REFERENCE_KEY",
                "message": "invalid cross reference id",
                "fields": [],
            }
        if record.get("IsDeleted"):
            return {"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}
        if record.get("IsConverted"):
            return {
                "statusCode": "CANNOT_UPDATE_CONVERTED_LEAD",
                "message": "cannot reference converted lead",
                "fields": [],
            }
        for name in values:
            if name not in self.fields[sobject]:
                return {
                    "statusCode": "INVALID_FIELD",
                    "message": f"No such column '{name}' on sobject of type {sobject}",
                    "fields": [name],
                }
        if record_id in self.refuse_writes:
            code, message = self.refuse_writes[record_id]
            return {"statusCode": code, "message": message, "fields": []}
        return None

    # Answers --------------------------------------------------------------------------------

    def json(self, body, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    def error(self, status: int, code: str, message: str) -> Response:
        return self.json([{"message": message, "errorCode": code}], status=status)
