"""Talking to one Salesforce org through simple-salesforce: signing in, reading records changed
since a cursor (deleted and merged ones included), writing Accord's fields back in sObject
collections, reading the daily API budget, and waiting politely when Salesforce says to.

No Django here: the connector turns what this returns into Accord's records."""

import base64
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import jwt
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceError,
    SalesforceExpiredSession,
)
from simple_salesforce.login import token_login

API_VERSION = "59.0"
LOGIN_URL = "https://login.salesforce.com"
COLLECTION_SIZE = 200  # the most records one sObject collections request takes
QUERY_BATCH = 2000  # asked of Salesforce per page of a query (its own maximum)
# Accord's custom fields, as an admin creates them (Setup → Object Manager → Fields, or the
# Metadata API with this CustomField metadata).
ACCORD_FIELDS = {
    "Accord_Score__c": {"label": "Accord Score", "type": "Number", "precision": 18, "scale": 0},
    "Accord_Grade__c": {"label": "Accord Grade", "type": "Text", "length": 10},
    "Accord_MQL_At__c": {"label": "Accord MQL At", "type": "DateTime"},
}


class SalesforceUnavailable(RuntimeError):
    """Salesforce refused or failed a call; the message says what to do about it."""


class CredentialsRefused(SalesforceUnavailable):
    """The token is wrong, expired or revoked, or the connected app refused to sign in."""


class DailyLimitReached(SalesforceUnavailable):
    """The org's daily API requests are (nearly) spent: the sync stops and resumes tomorrow."""


@dataclass(frozen=True)
class Credentials:
    """How to sign in: an access token and the instance URL, or a connected app's OAuth 2.0
    client credentials (key and secret, against the org's My Domain URL) or JWT bearer flow (key,
    user name and the app's private key, against the login URL)."""

    url: str = LOGIN_URL
    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    username: str | None = None
    private_key: str | None = None

    @property
    def flow(self) -> str:
        if self.token:
            return "token"
        if self.client_id and self.username and self.private_key:
            return "jwt bearer"
        if self.client_id and self.client_secret:
            return "client credentials"
        raise CredentialsRefused(
            "no way to sign in to Salesforce: set an access token and the instance URL, or a "
            "connected app's client id with its secret (client credentials) or with a user name "
            "and private key (JWT bearer)"
        )


@dataclass(frozen=True)
class Position:
    """Where an object's pull stands: the last record taken, in (SystemModstamp, Id) order."""

    modstamp: str
    record_id: str

    def passed(self, record: dict) -> bool:
        """Whether the record was already taken: records of the cursor's own stamp are read
        again (a later one may share it) and those up to its id are skipped."""
        stamp = _moment(record["SystemModstamp"])
        mine = _moment(self.modstamp)
        return stamp < mine or (stamp == mine and record["Id"] <= self.record_id)


@dataclass(frozen=True)
class Page:
    records: list[dict]
    position: Position | None  # after the page's last record
    total: int | None = None  # how many records the whole query has (Salesforce's totalSize)


@dataclass(frozen=True)
class Budget:
    limit: int
    remaining: int


@dataclass(frozen=True)
class MissingField:
    sobject: str
    name: str
    metadata: dict

    def __str__(self) -> str:
        return f"{self.sobject}.{self.name} ({self.metadata['type']})"


@dataclass(frozen=True)
class Change:
    sobject: str
    record_id: str
    values: dict


@dataclass(frozen=True)
class WriteResult:
    change: Change
    error: str | None = None  # "CODE: message" when Salesforce refused the record

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Pacer:
    """Exponential backoff with full jitter, or Salesforce's Retry-After when it gives one;
    `sleep` is swapped in tests so a refused call costs no real time."""

    first: float = 1.0
    cap: float = 300.0
    attempts: int = 6
    sleep: Callable[[float], None] = time.sleep
    waits: list[float] = field(default_factory=list)

    def wait(self, attempt: int, retry_after: float | None) -> None:
        if retry_after is not None:
            delay = min(retry_after, self.cap)
        else:
            delay = random.uniform(0, min(self.cap, self.first * 2**attempt))
        self.waits.append(delay)
        self.sleep(delay)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("+0000", "+00:00").replace("Z", "+00:00"))


def soql_datetime(text: str) -> str:
    """A SystemModstamp as a SOQL literal (unquoted, UTC)."""
    return _moment(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class SalesforceApi:
    """One signed-in conversation with an org. `reserve` is the share of the daily API limit
    left to the org's other integrations: the sync stops before it would eat into it."""

    def __init__(self, credentials: Credentials, *, pacer: Pacer | None = None, reserve=0.1):
        self.credentials = credentials
        self.pacer = pacer or Pacer()
        self.reserve = reserve
        self.session = requests.Session()
        self.session.hooks["response"].append(self._remember)
        self._retry_after: float | None = None
        self._client: Salesforce | None = None
        self.calls = 0

    def _remember(self, response, *args, **kwargs):
        raw = response.headers.get("Retry-After")
        self._retry_after = float(raw) if raw and raw.isdigit() else None

    # Signing in -------------------------------------------------------------------------------

    @property
    def client(self) -> Salesforce:
        if self._client is None:
            self._client = self._sign_in()
        return self._client

    def _sign_in(self) -> Salesforce:
        creds = self.credentials
        flow = creds.flow
        if flow == "token":
            return Salesforce(
                session_id=creds.token,
                instance_url=creds.url,
                session=self.session,
                version=API_VERSION,
            )
        # simple-salesforce builds its token URL from a *.salesforce.com domain; the token
        # endpoint is called here on the configured URL, so a sandbox proxy or a test org works.
        token_url = creds.url.rstrip("/") + "/services/oauth2/token"
        if flow == "client credentials":
            secret = base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode())
            data = {"grant_type": "client_credentials"}
            headers = {"Authorization": f"Basic {secret.decode()}"}
        else:
            claims = {
                "iss": creds.client_id,
                "sub": creds.username,
                "aud": creds.url.rstrip("/"),
                "exp": int((datetime.now(UTC) + timedelta(minutes=3)).timestamp()),
            }
            try:
                assertion = jwt.encode(claims, creds.private_key, algorithm="RS256")
            except (ValueError, TypeError, jwt.PyJWTError) as error:
                raise CredentialsRefused(f"the private key cannot sign: {error}") from None
            data = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer"}
            data["assertion"] = assertion
            headers = None
        try:
            token, instance = token_login(
                token_url, data, "login", creds.client_id, headers, None, self.session
            )
        except SalesforceAuthenticationFailed as error:
            raise CredentialsRefused(
                f"Salesforce refused to sign in ({flow}): {error.code}: {error.auth_message}"
            ) from None
        except requests.RequestException as error:
            raise SalesforceUnavailable(f"cannot reach {token_url}: {error}") from None
        return Salesforce(
            session_id=token, instance=instance, session=self.session, version=API_VERSION
        )

    # Every call -------------------------------------------------------------------------------

    def call(self, action: Callable[[Salesforce], object]):
        """Run one API call, waiting and trying again while Salesforce says it is busy."""
        # Checked before the call, on the usage the last answer reported, so an answer
        # Salesforce gave (a write it made) is never dropped for the budget's sake.
        self._check_budget()
        for attempt in range(self.pacer.attempts + 1):
            try:
                answer = action(self.client)
            except SalesforceExpiredSession:
                raise CredentialsRefused(
                    "Salesforce refused the access token (expired or revoked): sign in again"
                ) from None
            except SalesforceError as error:
                code = _error_code(error)
                if code == "REQUEST_LIMIT_EXCEEDED" and "TotalRequests" in _error_message(error):
                    raise DailyLimitReached(
                        "Salesforce's daily API requests are spent; the sync goes on tomorrow"
                    ) from None
                if error.status == 429 or code == "REQUEST_LIMIT_EXCEEDED":
                    if attempt == self.pacer.attempts:
                        raise SalesforceUnavailable(
                            f"Salesforce kept refusing with {code or error.status} after "
                            f"{attempt + 1} tries"
                        ) from None
                    self.pacer.wait(attempt, self._retry_after)
                    continue
                raise SalesforceUnavailable(
                    f"Salesforce answered {error.status}: {code}: {_error_message(error)}"
                ) from None
            except requests.RequestException as error:
                raise SalesforceUnavailable(f"cannot reach Salesforce: {error}") from None
            self.calls += 1
            return answer
        raise AssertionError("unreachable")

    def _check_budget(self) -> None:
        if self._client is None:
            return
        usage = self._client.api_usage.get("api-usage")
        if usage is not None and usage.total - usage.used <= usage.total * self.reserve:
            raise DailyLimitReached(
                f"{usage.used} of the org's {usage.total} daily API requests are used; the rest "
                "is left to its other integrations and the sync goes on tomorrow"
            )

    # Reading ----------------------------------------------------------------------------------

    def budget(self) -> Budget:
        """The daily API limit and what is left of it, from /limits; refuses to start a sync
        that would eat into the reserve."""
        limits = self.call(lambda sf: sf.limits())
        daily = limits["DailyApiRequests"]
        budget = Budget(limit=daily["Max"], remaining=daily["Remaining"])
        if budget.remaining <= budget.limit * self.reserve:
            raise DailyLimitReached(
                f"{budget.remaining} of the org's {budget.limit} daily API requests are left, "
                "which is kept for its other integrations; the sync goes on tomorrow"
            )
        return budget

    def changed(
        self,
        sobject: str,
        fields: list[str],
        since: Position | None,
        *,
        include_deleted: bool,
    ) -> Iterator[Page]:
        """Pages of records changed since `since` (everything when None), oldest first, each
        with the position after it. With `include_deleted` (queryAll) deleted and merged records
        come too, `IsDeleted` true and a merged one's `MasterRecordId` set."""
        columns = ", ".join(dict.fromkeys(["Id", "SystemModstamp", *fields]))
        where = f" WHERE SystemModstamp >= {soql_datetime(since.modstamp)}" if since else ""
        soql = f"SELECT {columns} FROM {sobject}{where} ORDER BY SystemModstamp, Id"
        options = {"Sforce-Query-Options": f"batchSize={QUERY_BATCH}"}
        answer = self.call(lambda sf: sf.query(soql, include_deleted, headers=options))
        position = since
        while True:
            records = [r for r in answer["records"] if position is None or not position.passed(r)]
            if records:
                last = records[-1]
                position = Position(modstamp=last["SystemModstamp"], record_id=last["Id"])
            yield Page(records=records, position=position, total=answer["totalSize"])
            if answer["done"]:
                return
            next_url = answer["nextRecordsUrl"]
            answer = self.call(lambda sf, url=next_url: sf.query_more(url, identifier_is_url=True))

    def among(self, sobject: str, columns: list[str], where: str, key: str, ids: list[str]):
        """Rows of `sobject` meeting `where` whose `key` is one of `ids`, asked 200 ids at a
        time (a SOQL query travels in the URL, whose length Salesforce limits)."""
        rows: list[dict] = []
        for start in range(0, len(ids), 200):
            quoted = ", ".join(f"'{i}'" for i in ids[start : start + 200] if i.isalnum())
            soql = (
                f"SELECT {', '.join(dict.fromkeys(['Id', key, *columns]))} FROM {sobject} "
                f"WHERE {where} AND {key} IN ({quoted})"
            )
            rows += self.call(lambda sf, q=soql: sf.query_all(q))["records"]
        return rows

    def missing_fields(self, sobject: str) -> list[MissingField]:
        """Accord's custom fields the object lacks, with the metadata to create each."""
        described = self.call(lambda sf: getattr(sf, sobject).describe())
        present = {f["name"] for f in described["fields"]}
        return [
            MissingField(sobject, name, {"fullName": f"{sobject}.{name}", **metadata})
            for name, metadata in ACCORD_FIELDS.items()
            if name not in present
        ]

    # Writing ----------------------------------------------------------------------------------

    def update(self, changes: list[Change]) -> list[WriteResult]:
        """Write the changes in sObject collections of up to 200, each record on its own
        (allOrNone false): one refused record never holds back the others."""
        results: list[WriteResult] = []
        for start in range(0, len(changes), COLLECTION_SIZE):
            chunk = changes[start : start + COLLECTION_SIZE]
            body = {
                "allOrNone": False,
                "records": [
                    {"attributes": {"type": c.sobject}, "id": c.record_id, **c.values}
                    for c in chunk
                ],
            }
            answers = self.call(
                lambda sf, body=body: sf.restful("composite/sobjects", method="PATCH", json=body)
            )
            for change, answer in zip(chunk, answers, strict=True):
                errors = answer.get("errors") or []
                error = "; ".join(f"{e['statusCode']}: {e['message']}" for e in errors)
                results.append(WriteResult(change, None if answer["success"] else error))
        return results


def _error_code(error: SalesforceError) -> str:
    content = error.content
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return content[0].get("errorCode", "")
    return ""


def _error_message(error: SalesforceError) -> str:
    content = error.content
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return content[0].get("message", "")
    return str(content)
