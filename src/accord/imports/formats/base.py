"""What every source format shares: cell parsers, the vocabularies they map, and `Format` itself."""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from accord.crm.models import LifecycleStage, PipelineStage
from accord.money import check_amount
from accord.touchpoints.members import ACTIVITY_CHANNEL, NotATouch, activity_touch
from accord.touchpoints.models import Channel

Parser = Callable[[str], object]

# Letters in any script: internationalised domains (ørsted.dk) are real addresses.
EMAIL_RE = re.compile(r"^[^@\s,;<>\"]+@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_][\w-]*)+$")
DOMAIN_RE = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_][\w-]*)+$")
_TIME = r"(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
# 03/02/2023, 03.02.2023, 3-2-2023 (day or month first: the column says which) and 2023/02/03.
DAY_MONTH_RE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME)
YEAR_FIRST_RE = re.compile(r"^(\d{4})([/.])(\d{1,2})\2(\d{1,2})" + _TIME)
DATE_ORDERS = {"DMY": "day/month/year", "MDY": "month/day/year", "YMD": "year/month/day"}


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


@dataclass(frozen=True)
class DateReading:
    """How one date column of a file is read: the order of its numeric dates (one for the whole
    column; None when it has none) and the zone of times written without one."""

    order: str | None = None
    zone: dt.tzinfo = dt.UTC


class AmbiguousDates(ValueError):
    """Every numeric date of a column reads both ways (03/02/2023); the user has to say which."""

    def __init__(self, example: str):
        first, second = (int(n) for n in DAY_MONTH_RE.match(example).group(1, 3))
        super().__init__(
            f"{example!r} may be {_day_name(first, second)} or {_day_name(second, first)} and no "
            "date in this column says which; choose the order with --date-format DMY or MDY "
            "(on the imports page: Date format)"
        )
        self.example = example


def _day_name(day: int, month: int) -> str:
    return f"{day} {dt.date(2000, month, 1):%B}"


def date_order(values, forced: str | None = None) -> str | None:
    """The order of a column's numeric dates: as told, else day-first as soon as one value has a
    first number over 12, else month-first as soon as one has a second number over 12; a column
    whose every numeric date reads both ways raises AmbiguousDates (never a silent guess)."""
    if forced:
        return forced
    ambiguous = None
    month_first = False
    for value in values:
        match = DAY_MONTH_RE.match(value)
        if match is None:
            continue
        first, second = int(match.group(1)), int(match.group(3))
        if first > 12:
            return "DMY"
        if second > 12:
            month_first = True
        elif ambiguous is None and first != second:
            ambiguous = value
    if month_first:
        return "MDY"
    if ambiguous is not None:
        raise AmbiguousDates(ambiguous)
    return "DMY" if any(DAY_MONTH_RE.match(v) for v in values) else None


def _numeric_date(value: str, order: str | None) -> dt.datetime | None:
    if match := YEAR_FIRST_RE.match(value):
        year, _, month, day, *clock = match.groups()
    elif match := DAY_MONTH_RE.match(value):
        first, _, second, year, *clock = match.groups()
        if order not in ("DMY", "MDY"):
            expected = DATE_ORDERS.get(order, "a date order given with --date-format")
            raise ValueError(f"{value!r} is not a date in {expected}")
        day, month = (first, second) if order == "DMY" else (second, first)
    else:
        return None
    hour, minute, second_, ampm = clock
    hour = int(hour or 0)
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError(f"{value!r} is not a date")
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    try:
        return dt.datetime(
            int(year), int(month), int(day), hour, int(minute or 0), int(second_ or 0)
        )
    except ValueError:
        if order in ("DMY", "MDY") and DAY_MONTH_RE.match(value):
            raise ValueError(
                f"{value!r} is not a date in {DATE_ORDERS[order]}, the order of this column"
            ) from None
        raise ValueError(f"{value!r} is not a date") from None


def _datetime(value: str, order: str | None) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = _numeric_date(value, order)
        if parsed is None:
            raise ValueError(
                f"{value!r} is not a date (expected YYYY-MM-DD, YYYY-MM-DD HH:MM, DD/MM/YYYY "
                "or MM/DD/YYYY)"
            ) from None
    return parsed


def timestamp(value: str, reading: DateReading = DateReading()) -> dt.datetime:
    """A point in time; without a zone it is in the reading's zone (UTC unless told)."""
    parsed = _datetime(value, reading.order)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=reading.zone)
    return parsed.astimezone(dt.UTC)


def date(value: str, reading: DateReading = DateReading()) -> dt.date:
    parsed = _datetime(value, reading.order)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC)
    return parsed.date()


DATED = (timestamp, date)


def read_dates(parser: Parser, reading: DateReading) -> Parser:
    """A date column's parser bound to how this file's column is read."""

    def parse(value: str):
        return parser(value, reading)

    return parse


def amount(value: str) -> Decimal:
    """An amount as spreadsheets write it (`$1,200.50`), within the bounds of `accord.money`."""
    cleaned = value.replace(",", "").replace(" ", "").lstrip("$€£")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    try:
        return check_amount(number)
    except ValueError as exc:
        raise ValueError(f"{value!r}: {exc}") from None


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


class Unmapped(ValueError):
    """A value of a CRM's own list (a custom lifecycle or deal stage, an owner) that Accord has no
    mapping for; the import lists these with their counts rather than row by row. `scope` is the
    deal's pipeline for a deal stage (a stage means something within its pipeline)."""

    def __init__(self, kind: str, name: str, value: str, scope: str = ""):
        where = f" in pipeline {scope!r}" if scope else ""
        super().__init__(f"unknown {name} {value!r}{where}")
        self.kind, self.name, self.value, self.scope = kind, name, value, scope


vocabulary_key = _key


def vocabulary(name: str, mapping: dict[str, str], kind: str | None = None) -> Parser:
    """A parser for a closed list: unknown values are errors, naming what was expected (or, for
    a list a mapping may extend, `Unmapped`)."""
    table = {_key(k): v for k, v in mapping.items()}

    seen: dict[str, str] = {}  # cells as written: a column repeats a handful of spellings

    def parse(value: str, scope: str = "") -> str:
        if value in seen:
            return seen[value]
        try:
            found = table[_key(value)]
        except KeyError:
            if kind:
                raise Unmapped(kind, name, value) from None
            raise ValueError(f"unknown {name} {value!r}") from None
        if len(seen) < 10_000:
            seen[value] = found
        return found

    parse.kind = kind
    return parse


def with_mappings(
    parser: Parser,
    kept: Callable[[], dict[str, str]],
    other: str | None,
    in_pipeline: Callable[[], dict[tuple[str, str], str]] | None = None,
) -> Parser:
    """A vocabulary extended by the mappings kept for its kind (`kept()`: key of the value ->
    Accord value, asked only for a value the vocabulary lacks), then (when asked) `other`. A deal
    stage's mapping within its own pipeline (`in_pipeline()`: (key of the pipeline, key of the
    value) -> Accord value) comes before both."""

    def parse(value: str, scope: str = "") -> str:
        if scope and in_pipeline is not None:
            found = in_pipeline().get((_key(scope), _key(value)))
            if found is not None:
                return found
        try:
            return parser(value)
        except Unmapped as exc:
            found = kept().get(_key(value), other)
            if found is None:
                raise Unmapped(exc.kind, exc.name, value, scope) from None
            return found

    parse.kind = getattr(parser, "kind", None)
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
    kind="lifecycle_stage",
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
    kind="deal_stage",
)


# The lead statuses Accord knows: HubSpot's default list and Salesforce's standard picklist,
# stored as written here (a status is a word sales uses, not a stage of the funnel).
LEAD_STATUSES = (
    "New",
    "Open",
    "In progress",
    "Open deal",
    "Unqualified",
    "Attempted to contact",
    "Connected",
    "Bad timing",
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Converted",
    "Closed - Not Converted",
)
lead_status = vocabulary(
    "lead status", {status: status for status in LEAD_STATUSES}, kind="lead_status"
)

# A person's source is one of the channels both teams read reports in. HubSpot's Original
# Source values and Salesforce's standard Lead Source picklist name the nearest channel; what
# says no channel at all (Salesforce's "Other", HubSpot's "Offline Sources") is unassigned.
_CHANNELS = {channel.value: channel.value for channel in Channel} | {
    channel.label: channel.value for channel in Channel
}
source = vocabulary(
    "source",
    _CHANNELS
    | {
        # HubSpot's Original Source
        "Direct Traffic": Channel.DIRECT,
        "Referrals": Channel.REFERRAL,
        "AI Referrals": Channel.REFERRAL,
        "Email Marketing": Channel.EMAIL,
        "Social Media": Channel.ORGANIC_SOCIAL,
        "Other Campaigns": Channel.UNASSIGNED,
        "Offline Sources": Channel.UNASSIGNED,
        # Salesforce's Lead Source
        "Web": Channel.DIRECT,
        "Phone Inquiry": Channel.DIRECT,
        "Partner Referral": Channel.REFERRAL,
        "Employee Referral": Channel.REFERRAL,
        "External Referral": Channel.REFERRAL,
        "Word of mouth": Channel.REFERRAL,
        "Advertisement": Channel.DISPLAY,
        "Trade Show": Channel.EVENTS,
        "Seminar - Internal": Channel.EVENTS,
        "Seminar - Partner": Channel.EVENTS,
        "Purchased List": Channel.UNASSIGNED,
        "Public Relations": Channel.UNASSIGNED,
        "Other": Channel.UNASSIGNED,
        # Salesforce's standard Campaign Type (Direct Mail names no channel: it is mapped)
        "Conference": Channel.EVENTS,
        "Webinar": Channel.EVENTS,
        "Partners": Channel.REFERRAL,
        "Referral Program": Channel.REFERRAL,
        "Banner Ads": Channel.DISPLAY,
        "Telemarketing": Channel.SALES_OUTREACH,
    },
    kind="source",
)

# An owner cell (an e-mail, a full name, a Salesforce user id): matched to an Accord user when
# the import binds its columns (`engine.bind_vocabularies`); the parsed value is the user's
# e-mail, or "" for an owner mapped to nobody (the record is left unassigned).
owner = vocabulary("owner", {}, kind="owner")
UNASSIGNED = "unassigned"


def first_id(value: str) -> str:
    """HubSpot writes several associated ids as 'id1;id2'; the first is the primary one."""
    return value.split(";")[0].strip()


def all_ids(value: str) -> tuple[str, ...]:
    """Every id of HubSpot's 'id1;id2' (a deal's contacts), the primary one first."""
    return tuple(dict.fromkeys(i.strip() for i in value.split(";") if i.strip()))


def activity(kind_of: Callable[[dict], str]) -> Callable[[dict], None]:
    """A `derive` for a CRM's logged activities (calls, meetings, e-mails): the row's touch, as
    the sync makes it (`touchpoints.members.activity_touch`), or why it is none, under
    `not_a_touch` (the import skips the row and says so). `kind_of` names the row's activity."""

    def derive(values: dict) -> None:
        try:
            values["kind"] = activity_touch(
                kind_of(values),
                direction=values.get("email_direction", ""),
                status=values.get("email_status", ""),
            )
        except NotATouch as exc:
            values["not_a_touch"] = str(exc)
            return
        values["channel"] = ACTIVITY_CHANNEL.value

    return derive


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
    # A field whose value means something only within another's: a deal's stage within its
    # pipeline ({"stage": "pipeline"}); its parser is given the other field's cell.
    scopes: dict[str, str] = field(default_factory=dict)
    # Fields every row needs (default: the object type's, engine.REQUIRED).
    required: tuple[str, ...] | None = None

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
