"""What every source format shares: cell parsers, the vocabularies they map, and `Format` itself."""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from accord.crm.models import LifecycleStage, PipelineStage

Parser = Callable[[str], object]

# Letters in any script: internationalised domains (ørsted.dk) are real addresses.
EMAIL_RE = re.compile(r"^[^@\s,;<>\"]+@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_][\w-]*)+$")
DOMAIN_RE = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_][\w-]*)+$")
US_DATE_RE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)


def normalize_header(header: str) -> str:
    return " ".join(header.split()).casefold()


def _key(value: str) -> str:
    """A vocabulary key, so 'Marketing Qualified Lead' and 'marketingqualifiedlead' agree."""
    return re.sub(r"[^a-z0-9]", "", value.casefold())


def text(value: str) -> str:
    return value


def email(value: str) -> str:
    if len(value) > 254 or not EMAIL_RE.match(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


def domain(value: str) -> str:
    """A company domain from a domain or a website: 'https://www.Acme.com/about' -> 'acme.com'."""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.strip().lower())
    host = re.split(r"[/?#:]", host, maxsplit=1)[0].removeprefix("www.")
    if len(host) > 255 or not DOMAIN_RE.match(host):
        raise ValueError(f"{value!r} is not a web domain")
    return host


def _us_date(value: str) -> dt.datetime | None:
    match = US_DATE_RE.match(value)
    if not match:
        return None
    month, day, year, hour, minute, second, ampm = match.groups()
    hour = int(hour or 0)
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError(f"{value!r} is not a date")
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    try:
        return dt.datetime(
            int(year), int(month), int(day), hour, int(minute or 0), int(second or 0)
        )
    except ValueError:
        raise ValueError(f"{value!r} is not a date") from None


def _datetime(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = _us_date(value)
        if parsed is None:
            raise ValueError(
                f"{value!r} is not a date (expected YYYY-MM-DD, YYYY-MM-DD HH:MM or MM/DD/YYYY)"
            ) from None
    return parsed


def timestamp(value: str) -> dt.datetime:
    """A point in time; without a zone it is UTC (as HubSpot and Salesforce export it)."""
    parsed = _datetime(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def date(value: str) -> dt.date:
    parsed = _datetime(value)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC)
    return parsed.date()


def amount(value: str) -> Decimal:
    cleaned = value.replace(",", "").replace(" ", "").lstrip("$€£")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ValueError(f"{value!r} is not an amount")
    return number.quantize(Decimal("0.01"))


def whole_number(value: str) -> int:
    try:
        number = int(Decimal(value.replace(",", "")))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{value!r} is not a whole number") from None
    if number < 0 or number > 2_147_483_647:
        raise ValueError(f"{value!r} is out of range")
    return number


def currency(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{3}", value):
        raise ValueError(f"{value!r} is not a three-letter currency code")
    return value.upper()


def vocabulary(name: str, mapping: dict[str, str]) -> Parser:
    """A parser for a closed list: unknown values are errors, naming what was expected."""
    table = {_key(k): v for k, v in mapping.items()}

    seen: dict[str, str] = {}  # cells as written: a column repeats a handful of spellings

    def parse(value: str) -> str:
        if value in seen:
            return seen[value]
        try:
            found = table[_key(value)]
        except KeyError:
            raise ValueError(f"unknown {name} {value!r}") from None
        if len(seen) < 10_000:
            seen[value] = found
        return found

    return parse


_LIFECYCLE = {stage.value: stage.value for stage in LifecycleStage} | {
    stage.label: stage.value for stage in LifecycleStage
}
lifecycle_stage = vocabulary(
    "lifecycle stage",
    _LIFECYCLE
    | {
        "Marketing Qualified Lead": LifecycleStage.MQL,
        "Sales Accepted Lead": LifecycleStage.SAL,
        "Sales Qualified Lead": LifecycleStage.SQL,
        "Unqualified": LifecycleStage.DISQUALIFIED,
    },
)

_PIPELINE = {stage.value: stage.value for stage in PipelineStage} | {
    stage.label: stage.value for stage in PipelineStage
}
deal_stage = vocabulary(
    "deal stage",
    _PIPELINE
    | {
        # HubSpot's default sales pipeline (internal values and labels agree once keyed).
        "Appointment Scheduled": PipelineStage.QUALIFICATION,
        "Qualified To Buy": PipelineStage.DISCOVERY,
        "Presentation Scheduled": PipelineStage.PROPOSAL,
        "Decision Maker Bought-In": PipelineStage.PROPOSAL,
        "Contract Sent": PipelineStage.NEGOTIATION,
        "Closed Won": PipelineStage.CLOSED_WON,
        "Closed Lost": PipelineStage.CLOSED_LOST,
        # Salesforce's standard StageName picklist.
        "Prospecting": PipelineStage.QUALIFICATION,
        "Qualification": PipelineStage.QUALIFICATION,
        "Needs Analysis": PipelineStage.DISCOVERY,
        "Value Proposition": PipelineStage.DISCOVERY,
        "Id. Decision Makers": PipelineStage.DISCOVERY,
        "Perception Analysis": PipelineStage.PROPOSAL,
        "Proposal/Price Quote": PipelineStage.PROPOSAL,
        "Negotiation/Review": PipelineStage.NEGOTIATION,
    },
)


def first_id(value: str) -> str:
    """HubSpot writes several associated ids as 'id1;id2'; the first is the primary one."""
    return value.split(";")[0].strip()


@dataclass(frozen=True)
class Format:
    """One kind of file: which object it holds, how its headers map to fields, how to spot it."""

    name: str
    system: str  # SourceRecord.system for its ids ("accord" for Accord's own exports)
    object_type: str  # person, account, opportunity or touchpoint
    columns: dict[str, tuple[str, Parser]]  # normalized header -> (field, parser)
    signatures: tuple[frozenset[str], ...]  # the file is this format if it has all of one set
    derive: Callable[[dict], None] | None = None  # fills fields implied by others
    unescape_formulas: bool = False  # Accord's exports prefix formula cells with an apostrophe
    excludes: frozenset[str] = field(default_factory=frozenset)  # headers it never has

    def matches(self, headers: set[str]) -> bool:
        if headers & self.excludes:
            return False
        return any(signature <= headers for signature in self.signatures)


def columns(*specs: tuple[str | tuple[str, ...], str, Parser]) -> dict[str, tuple[str, Parser]]:
    """Build a header map; a spec's first item may list several spellings of one header."""
    mapping = {}
    for headers, field_name, parser in specs:
        for header in (headers,) if isinstance(headers, str) else headers:
            mapping[normalize_header(header)] = (field_name, parser)
    return mapping


def signature(*headers: str) -> frozenset[str]:
    return frozenset(normalize_header(h) for h in headers)
