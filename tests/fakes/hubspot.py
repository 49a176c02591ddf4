"""A stateful HubSpot CRM on loopback, written from HubSpot's public CRM v3 API reference, for
the sync's tests and bench: the official client talks to it as to api.hubapi.com.

It keeps contacts, companies, deals, calls, meetings and e-mails (the one-to-one e-mails logged
on a record: `hs_email_direction` EMAIL, INCOMING_EMAIL or FORWARDED_EMAIL, `hs_email_status`
BOUNCED, FAILED, SCHEDULED, SENDING or SENT) with their properties, owners, deal pipelines and
the associations of deals, calls, meetings and e-mails, and answers:

- GET  /crm/v3/objects/{type}              list, 100 at most a page, paged by `after`
                                            (`archived=true`: the archived ones)
- POST /crm/v3/objects/{type}/search       filters (EQ, NEQ, GT, GTE, LT, LTE, IN, NOT_IN),
                                            one sort (ties in no stated order), 200 at most a
                                            page, never past result 10,000 (400, as HubSpot
                                            answers)
- POST /crm/v3/objects/{type}/batch/update 100 at most; records that fail are listed in a
                                            207 Multi-Status beside those written
- POST /crm/v3/objects/{type}/merge, DELETE /crm/v3/objects/{type}/{id}
- GET/POST /crm/v3/properties/{type}[/{name}], GET /crm/v3/owners/, GET /crm/v3/pipelines/deals
- POST /crm/v4/associations/{from}/{to}/batch/read
                                            each record's associated ids with their types: the
                                            unlabeled HUBSPOT_DEFINED one (label null) always,
                                            beside each custom label (USER_DEFINED, its own
                                            typeId: "Decision maker"); a record with more than
                                            `association_page` of them is paged by `after`,
                                            given back beside its id in the next request's inputs

Every answer carries X-HubSpot-RateLimit-Max/-Remaining/-Interval-Milliseconds; past the
burst (`burst` requests in `interval` seconds, rolling) it answers 429 with Retry-After, as it
does when a test asks for 429s with `throttle(n)`. A wrong token gets 401.
"""

import bisect
import itertools
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
MODIFIED = {"contacts": "lastmodifieddate", "companies": "hs_lastmodifieddate"}
DEFAULT_PROPERTIES = {
    "contacts": {
        "email", "firstname", "lastname", "jobtitle", "phone", "hs_lead_status",
        "lifecyclestage", "hubspot_owner_id", "associatedcompanyid", "createdate",
        "lastmodifieddate", "hs_object_id", "hs_merged_object_ids",
    },
    "companies": {
        "name", "domain", "industry", "numberofemployees", "country", "hubspot_owner_id",
        "createdate", "hs_lastmodifieddate", "hs_object_id", "hs_merged_object_ids",
    },
    "deals": {
        "dealname", "amount", "deal_currency_code", "dealstage", "pipeline", "closedate",
        "closed_lost_reason", "hubspot_owner_id", "createdate", "hs_lastmodifieddate",
        "hs_object_id", "hs_merged_object_ids",
    },
    "calls": {"hs_timestamp", "hs_call_title", "createdate", "hs_lastmodifieddate", "hs_object_id"},
    "meetings": {
        "hs_timestamp", "hs_meeting_title", "createdate", "hs_lastmodifieddate", "hs_object_id",
    },
    "emails": {
        "hs_timestamp", "hs_email_direction", "hs_email_status", "hs_email_subject",
        "hs_email_text", "createdate", "hs_lastmodifieddate", "hs_object_id",
    },
}  # fmt: skip
PIPELINES = [
    {
        "id": "default",
        "label": "Sales Pipeline",
        "displayOrder": 0,
        "archived": False,
        "stages": [
            {"id": sid, "label": label, "displayOrder": n, "archived": False, "metadata": {}}
            for n, (sid, label) in enumerate(
                [
                    ("appointmentscheduled", "Appointment Scheduled"),
                    ("qualifiedtobuy", "Qualified To Buy"),
                    ("presentationscheduled", "Presentation Scheduled"),
                    ("decisionmakerboughtin", "Decision Maker Bought-In"),
                    ("contractsent", "Contract Sent"),
                    ("closedwon", "Closed Won"),
                    ("closedlost", "Closed Lost"),
                ]
            )
        ],
    }
]
# HubSpot's own (unlabeled) association type ids, from its list of default association types.
DEFAULT_TYPES = {
    ("deals", "contacts"): 3,
    ("deals", "companies"): 341,
    ("calls", "contacts"): 194,
    ("emails", "contacts"): 198,
    ("meetings", "contacts"): 200,
}
OPERATORS = {
    "EQ": lambda a, b: a == b,
    "NEQ": lambda a, b: a != b,
    "GT": lambda a, b: a is not None and a > b,
    "GTE": lambda a, b: a is not None and a >= b,
    "LT": lambda a, b: a is not None and a < b,
    "LTE": lambda a, b: a is not None and a <= b,
    "IN": lambda a, b: a in b,
    "NOT_IN": lambda a, b: a not in b,
}


def iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03}Z"


@dataclass
class Record:
    id: str
    properties: dict
    created: int
    updated: int
    archived_at: int | None = None
    associations: dict = field(default_factory=dict)  # type -> [ids]
    labels: dict = field(default_factory=dict)  # (type, id) -> [custom labels]


class FakeHubSpot:
    def __init__(self, *, token=TOKEN, burst=10_000, interval=10.0, search_cap=10_000):
        self.token, self.burst, self.interval, self.search_cap = token, burst, interval, search_cap
        self.records: dict[str, dict[str, Record]] = {t: {} for t in DEFAULT_PROPERTIES}
        self.order: dict[str, list[int]] = {t: [] for t in DEFAULT_PROPERTIES}
        self.properties = {t: set(p) for t, p in DEFAULT_PROPERTIES.items()}
        self.created_properties: list[tuple[str, str]] = []
        self.merged: dict[str, str] = {}
        self.owners = []
        self.ids = itertools.count(101)
        self.lock = threading.Lock()
        self.clock = 0
        self.log: list[tuple[str, str, int]] = []  # method, path, status
        self.writes: list[tuple[str, str, dict]] = []  # type, id, properties written by the API
        self.failing: set[str] = set()  # ids a batch update refuses
        self.throttled = 0
        self.during_request = None  # called (method, path) before a request is answered
        self.window: deque[float] = deque()
        self.association_page = 500  # a record's associations in one answer (then `after`)
        self.label_types: dict[tuple[str, str, str], int] = {}  # (from, to, label) -> typeId

    # --- the company's HubSpot, as a test sets it up ------------------------------------------

    def now(self) -> int:
        """Milliseconds, strictly increasing: every change has its own modified time."""
        self.clock = max(self.clock + 1, int(time.time() * 1000))
        return self.clock

    def add(self, type_: str, associations=None, **properties) -> str:
        with self.lock:
            rid = str(next(self.ids))
            at = self.now()
            props = {k: None if v is None else str(v) for k, v in properties.items()}
            self.records[type_][rid] = Record(rid, props, at, at, None, associations or {})
            self.order[type_].append(int(rid))
            return rid

    def add_many(self, type_: str, rows) -> list[str]:
        """Many records at once (the bench's 100,000), each its own modified time."""
        ids = []
        with self.lock:
            for properties in rows:
                rid = str(next(self.ids))
                at = self.now()
                self.records[type_][rid] = Record(rid, properties, at, at)
                self.order[type_].append(int(rid))
                ids.append(rid)
        return ids

    def modify(self, type_: str, rid: str, **properties) -> None:
        with self.lock:
            record = self.records[type_][rid]
            record.properties.update(
                {k: None if v is None else str(v) for k, v in properties.items()}
            )
            record.updated = self.now()

    def modify_together(self, type_: str, ids, **properties) -> None:
        """Many records changed in one millisecond (a workflow, a bulk edit)."""
        with self.lock:
            at = self.now()
            for rid in ids:
                self.records[type_][rid].properties.update(
                    {k: None if v is None else str(v) for k, v in properties.items()}
                )
                self.records[type_][rid].updated = at

    def archive(self, type_: str, rid: str) -> None:
        with self.lock:
            record = self.records[type_][rid]
            record.archived_at = record.updated = self.now()

    def merge(self, type_: str, primary: str, merged: str) -> None:
        """As HubSpot merges: the merged record goes (not archived: gone), the primary lists it
        in hs_merged_object_ids and is modified."""
        with self.lock:
            loser = self.records[type_].pop(merged)
            winner = self.records[type_][primary]
            ids = [i for i in (winner.properties.get("hs_merged_object_ids") or "").split(";") if i]
            winner.properties["hs_merged_object_ids"] = ";".join([*ids, loser.id])
            winner.updated = self.now()
            self.merged[merged] = primary

    def associate(self, type_: str, rid: str, to: str, to_id: str, *labels: str) -> None:
        """Associate two records, with custom labels if given ("Decision maker"); the record's
        modified time moves, as its count of associations (num_associated_contacts) changes."""
        with self.lock:
            record = self.records[type_][rid]
            ids = record.associations.setdefault(to, [])
            if to_id not in ids:
                ids.append(to_id)
            kept = record.labels.setdefault((to, to_id), [])
            kept.extend(label for label in labels if label not in kept)
            record.updated = self.now()

    def dissociate(self, type_: str, rid: str, to: str, to_id: str) -> None:
        with self.lock:
            record = self.records[type_][rid]
            record.associations[to] = [i for i in record.associations.get(to, []) if i != to_id]
            record.labels.pop((to, to_id), None)
            record.updated = self.now()

    def add_owner(self, email: str, first="", last="") -> str:
        oid = str(next(self.ids))
        self.owners.append({"id": oid, "email": email, "firstName": first, "lastName": last,
                            "userId": int(oid), "archived": False})  # fmt: skip
        return oid

    def throttle(self, n: int) -> None:
        """Answer the next n requests with 429, whatever the burst."""
        self.throttled = n

    def value(self, type_: str, rid: str, name: str):
        return self.records[type_][rid].properties.get(name)

    def live(self, type_: str) -> list[Record]:
        return [r for r in self.records[type_].values() if r.archived_at is None]

    # --- serving ------------------------------------------------------------------------------

    def __enter__(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self, method):
                fake._handle(self, method)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def do_DELETE(self):
                self._serve("DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self.url

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, handler, method):
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = json.loads(handler.rfile.read(length) or b"null") if length else None
        if self.during_request:
            self.during_request(method, url.path)
        status, payload, headers = self._answer(handler, method, url, body)
        data = b"" if payload is None else json.dumps(payload).encode()
        self.log.append((method, url.path, status))
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json;charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _limits(self) -> tuple[bool, dict]:
        now = time.monotonic()
        with self.lock:
            while self.window and self.window[0] <= now - self.interval:
                self.window.popleft()
            over = len(self.window) >= self.burst
            if not over:
                self.window.append(now)
            remaining = max(0, self.burst - len(self.window))
            wait = self.window[0] + self.interval - now if over else 0
        headers = {
            "X-HubSpot-RateLimit-Max": str(self.burst),
            "X-HubSpot-RateLimit-Remaining": str(remaining),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(self.interval * 1000)),
        }
        if over:
            headers["Retry-After"] = str(max(1, round(wait + 0.5)))
        return over, headers

    def _answer(self, handler, method, url, body):
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return (
                401,
                _error("INVALID_AUTHENTICATION", "Authentication credentials not found."),
                {},
            )
        over, headers = self._limits()
        if self.throttled or over:
            if self.throttled:
                self.throttled -= 1
                headers["Retry-After"] = "1"
            return (
                429,
                {
                    "status": "error",
                    "message": "You have reached your ten_secondly_rolling limit.",
                    "errorType": "RATE_LIMIT",
                    "policyName": "TEN_SECONDLY_ROLLING",
                },
                headers,
            )
        # lists come as repeated parameters (the client's "multi" format) or comma-separated
        query = {k: ",".join(v) for k, v in parse_qs(url.query).items()}
        for pattern, route in self._routes():
            if match := re.fullmatch(pattern, f"{method} {url.path}"):
                with self.lock:
                    status, payload = route(body=body, query=query, **match.groupdict())
                return status, payload, headers
        return 404, _error("OBJECT_NOT_FOUND", f"no route {method} {url.path}"), headers

    def _routes(self):
        objects = r"(?P<type_>contacts|companies|deals|calls|meetings|emails)"
        return [
            (rf"GET /crm/v3/objects/{objects}", self._list),
            (rf"POST /crm/v3/objects/{objects}/search", self._search),
            (rf"POST /crm/v3/objects/{objects}/batch/update", self._batch_update),
            (rf"POST /crm/v3/objects/{objects}/merge", self._merge),
            (rf"DELETE /crm/v3/objects/{objects}/(?P<rid>\d+)", self._archive),
            (rf"GET /crm/v3/properties/{objects}/(?P<name>\w+)", self._property),
            (rf"POST /crm/v3/properties/{objects}", self._create_property),
            (r"GET /crm/v3/owners/?", self._owners),
            (r"GET /crm/v3/pipelines/deals", lambda **_: (200, {"results": PIPELINES})),
            (rf"POST /crm/v4/associations/{objects}/(?P<to>\w+)/batch/read", self._associations),
        ]

    def _public(self, type_, record: Record, names) -> dict:
        modified = MODIFIED.get(type_, "hs_lastmodifieddate")
        props = {n: record.properties.get(n) for n in names if n in self.properties[type_]}
        props |= {"hs_object_id": record.id, "createdate": iso(record.created),
                  modified: iso(record.updated)}  # fmt: skip
        out = {
            "id": record.id,
            "properties": props,
            "createdAt": iso(record.created),
            "updatedAt": iso(record.updated),
            "archived": record.archived_at is not None,
        }
        if record.archived_at is not None:
            out["archivedAt"] = iso(record.archived_at)
        return out

    def _list(self, type_, query, body):
        limit = min(int(query.get("limit", 10)), 100)
        archived = query.get("archived", "").lower() == "true"
        after = int(query.get("after") or 0)
        names = [n for n in query.get("properties", "").split(",") if n]
        ids = self.order[type_]  # ids only grow: kept in order as made
        page = []
        for n in itertools.islice(ids, bisect.bisect_left(ids, after), None):
            record = self.records[type_].get(str(n))
            if record is not None and (record.archived_at is not None) == archived:
                page.append(record)
                if len(page) > limit:
                    break
        out = {"results": [self._public(type_, r, names) for r in page[:limit]]}
        if len(page) > limit:
            out["paging"] = {"next": {"after": page[limit].id, "link": "?after=" + page[limit].id}}
        return 200, out

    def _value(self, type_, record, name):
        if name == "hs_object_id":
            return int(record.id)
        if name in (MODIFIED.get(type_, "hs_lastmodifieddate"),):
            return record.updated
        if name == "createdate":
            return record.created
        return record.properties.get(name)

    def _search(self, type_, query, body):
        limit = min(int(body.get("limit") or 10), 200)
        after = int(body.get("after") or 0)
        if after + limit > self.search_cap:
            return 400, _error(
                "VALIDATION_ERROR",
                f"There was a problem with the request. Search results are limited to "
                f"{self.search_cap} results.",
            )

        def number(v):
            if isinstance(v, list):
                return [number(x) for x in v]
            return int(v) if isinstance(v, str) and v.isdigit() else v

        def keep(record):
            groups = body.get("filterGroups") or [{"filters": []}]
            return any(
                all(
                    OPERATORS[f["operator"]](
                        self._value(type_, record, f["propertyName"]),
                        number(
                            f.get("values") if f["operator"] in ("IN", "NOT_IN") else f.get("value")
                        ),
                    )
                    for f in group["filters"]
                )
                for group in groups
            )

        found = [r for r in self.records[type_].values() if r.archived_at is None and keep(r)]
        sorts = body.get("sorts") or []
        key, descending = "hs_object_id", False
        if sorts:
            sort = sorts[0]
            if isinstance(sort, str):
                key, descending = sort.lstrip("-"), sort.startswith("-")
            else:
                key, descending = sort["propertyName"], sort.get("direction") == "DESCENDING"
        # HubSpot states no order among records of equal value: here the higher id comes first
        # (ascending), so a connector cannot lean on the order of ties.
        tie = 1 if key == "hs_object_id" else -1
        found.sort(
            key=lambda r: (self._value(type_, r, key) or 0, tie * int(r.id)), reverse=descending
        )
        names = body.get("properties") or []
        page = found[after : after + limit]
        out = {"total": len(found), "results": [self._public(type_, r, names) for r in page]}
        if after + limit < len(found):
            out["paging"] = {"next": {"after": str(after + limit)}}
        return 200, out

    def _batch_update(self, type_, query, body):
        inputs = body.get("inputs") or []
        if len(inputs) > 100:
            return 400, _error("VALIDATION_ERROR", "at most 100 inputs")
        results, errors = [], []
        for item in inputs:
            record = self.records[type_].get(item["id"])
            unknown = [n for n in item.get("properties", {}) if n not in self.properties[type_]]
            if record is None or record.archived_at is not None:
                errors.append(_failed("OBJECT_NOT_FOUND", f"Object {item['id']} not found", item))
            elif unknown:
                errors.append(
                    _failed("VALIDATION_ERROR", f"Property {unknown[0]!r} does not exist", item)
                )
            elif item["id"] in self.failing:
                errors.append(_failed("VALIDATION_ERROR", "Contact is locked for editing", item))
            else:
                record.properties.update(item["properties"])
                record.updated = self.now()
                self.writes.append((type_, record.id, dict(item["properties"])))
                results.append(self._public(type_, record, list(item["properties"])))
        out = {"status": "COMPLETE", "results": results}
        if errors:
            return 207, out | {"numErrors": len(errors), "errors": errors}
        return 200, out

    def _merge(self, type_, query, body):
        primary, merged = str(body["primaryObjectId"]), str(body["objectIdToMerge"])
        self.lock.release()
        try:
            self.merge(type_, primary, merged)
        finally:
            self.lock.acquire()
        return 200, self._public(type_, self.records[type_][primary], [])

    def _archive(self, type_, rid, query, body):
        record = self.records[type_].get(rid)
        if record is not None:
            record.archived_at = record.updated = self.now()
        return 204, None

    def _property(self, type_, name, query, body):
        if name not in self.properties[type_]:
            return 404, _error("OBJECT_NOT_FOUND", f"Unable to find property {name}")
        return 200, {"name": name, "label": name, "type": "string", "fieldType": "text",
                     "groupName": f"{type_[:-1]}information"}  # fmt: skip

    def _create_property(self, type_, query, body):
        if body["name"] in self.properties[type_]:
            return 409, _error("OBJECT_ALREADY_EXISTS", f"Property {body['name']} exists")
        self.properties[type_].add(body["name"])
        self.created_properties.append((type_, body["name"]))
        return 201, body

    def _owners(self, query, body):
        limit = min(int(query.get("limit", 100)), 500)
        after = int(query.get("after") or 0)
        page = self.owners[after : after + limit]
        out = {"results": page}
        if after + limit < len(self.owners):
            out["paging"] = {"next": {"after": str(after + limit)}}
        return 200, out

    def _associations(self, type_, to, query, body):
        results = []
        for item in body.get("inputs") or []:
            record = self.records[type_].get(str(item["id"]))
            if record is None:
                continue
            start = int(item.get("after") or 0)
            ids = record.associations.get(to, [])
            page = ids[start : start + self.association_page]
            result = {
                "from": {"id": record.id},
                "to": [
                    {"toObjectId": int(i), "associationTypes": self._types(type_, to, record, i)}
                    for i in page
                ],
            }
            if start + len(page) < len(ids):
                result["paging"] = {"next": {"after": str(start + len(page))}}
            results.append(result)
        return 200, {"status": "COMPLETE", "results": results,
                     "startedAt": iso(self.clock), "completedAt": iso(self.clock)}  # fmt: skip

    def _types(self, type_, to, record: Record, to_id) -> list[dict]:
        types = [{"category": "HUBSPOT_DEFINED", "typeId": DEFAULT_TYPES.get((type_, to), 1),
                  "label": None}]  # fmt: skip
        for label in record.labels.get((to, to_id), []):
            type_id = self.label_types.setdefault((type_, to, label), 100 + len(self.label_types))
            types.append({"category": "USER_DEFINED", "typeId": type_id, "label": label})
        return types


def _error(category, message):
    return {"status": "error", "message": message, "category": category,
            "correlationId": "00000000-0000-0000-0000-000000000000"}  # fmt: skip


def _failed(category, message, item):
    return {"status": "error", "category": category, "message": message,
            "context": {"ids": [item["id"]]}}  # fmt: skip
