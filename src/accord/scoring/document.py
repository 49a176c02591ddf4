"""The agreement document: the lead definition and SLA terms both heads sign.

Pure pydantic, so the scoring engine can read it anywhere. Every refusal names the field
(as a dotted path) and the reason, e.g. `engagement.half_life_days: must be greater than 0`.
"""

import re
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

# The vocabularies of the shared database (crm.Person.seniority, touchpoints.Touchpoint.kind and
# .channel); the agreement app's tests check they match the Django choices.
Seniority = Literal["entry", "manager", "director", "vp", "executive"]
TouchpointKind = Literal[
    "page_view",
    "form_fill",
    "email_open",
    "email_click",
    "ad_click",
    "event",
    "call",
    "meeting",
]
Channel = Literal[
    "direct",
    "cross_network",
    "paid_shopping",
    "paid_search",
    "paid_social",
    "paid_video",
    "display",
    "paid_other",
    "organic_shopping",
    "organic_social",
    "organic_video",
    "organic_search",
    "referral",
    "email",
    "affiliates",
    "audio",
    "sms",
    "mobile_push",
    "events",
    "sales_outreach",
    "unassigned",
]
SENIORITIES: tuple[str, ...] = get_args(Seniority)
TOUCHPOINT_KINDS: tuple[TouchpointKind, ...] = get_args(TouchpointKind)
CHANNELS: tuple[Channel, ...] = get_args(Channel)
GRADES = ("A", "B", "C", "D")

TEXT_FIELDS = ("industry", "region", "title", "seniority")
FIT_FIELDS = (*TEXT_FIELDS, "employee_count", "is_decision_maker")

Grade = Literal["A", "B", "C", "D"]
Points = Annotated[int, Field(ge=-1000, le=1000)]


class DocumentError(ValueError):
    """An agreement document that cannot be used; `problems` holds one "path: reason" per fault."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul(cls, value: object) -> object:
        """No text may hold a NUL character: PostgreSQL refuses one that SQLite would store."""
        texts = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("must not contain a NUL character (\\u0000)")
        return value


def _check_pattern(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc})") from None
    return value


class FitRule(_Part):
    """Points for a person whose (or whose account's) field matches one condition."""

    name: str = Field(min_length=1, max_length=100)
    field: str
    any_of: list[str] | None = Field(default=None, alias="in", min_length=1)
    pattern: str | None = None
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    equals: bool | None = None
    points: Points

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value not in FIT_FIELDS:
            raise ValueError(f"unknown field {value!r}; use one of {', '.join(FIT_FIELDS)}")
        return value

    _pattern = field_validator("pattern")(_check_pattern)

    @model_validator(mode="after")
    def _condition_fits_field(self) -> "FitRule":
        given = [
            name
            for name, value in (
                ("in", self.any_of),
                ("pattern", self.pattern),
                ("min/max", self.min if self.min is not None else self.max),
                ("equals", self.equals),
            )
            if value is not None
        ]
        allowed = {
            "employee_count": {"min/max"},
            "is_decision_maker": {"equals"},
            "title": {"in", "pattern"},
        }.get(self.field, {"in", "pattern"})
        if len(given) != 1 or given[0] not in allowed:
            raise ValueError(
                f"a rule on {self.field} needs exactly one of: {', '.join(sorted(allowed))}"
            )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class GradeBand(_Part):
    """Fit points from `min` to `max` (both inclusive; missing means unbounded) earn `grade`."""

    grade: Grade
    min: int | None = None
    max: int | None = None


class BuyingPower(_Part):
    """Who counts as a decision maker, and where an MQL needs one."""

    seniorities: list[Seniority] = ["vp", "executive"]
    title_pattern: str | None = None
    use_decision_maker_flag: bool = True
    required: Literal["person", "account", "person_or_account", "none"] = "person_or_account"

    _pattern = field_validator("title_pattern")(_check_pattern)


class TouchpointPoints(_Part):
    points: int = Field(ge=0, le=1000)
    cap: int | None = Field(default=None, ge=0, description="most points this type can add")


class Engagement(_Part):
    half_life_days: float = Field(gt=0, le=3650)
    window_days: int | None = Field(default=None, gt=0, description="older touches count 0")
    kinds: dict[TouchpointKind, TouchpointPoints]
    channels: dict[Channel, Annotated[int, Field(ge=0, le=1000)]] = {}


class Disqualifiers(_Part):
    free_mail_domains: list[str] = []
    competitor_domains: list[str] = []
    student_title_pattern: str | None = None
    existing_customers: bool = True

    _pattern = field_validator("student_title_pattern")(_check_pattern)

    @field_validator("free_mail_domains", "competitor_domains")
    @classmethod
    def _domains(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip().lower().removeprefix("@") for v in values]
        for domain in cleaned:
            if not domain or "@" in domain or " " in domain:
                raise ValueError(f"{domain!r} is not a domain such as gmail.com")
        return cleaned


class Threshold(_Part):
    min_total: int
    min_grade: Grade = "B"


class Segment(_Part):
    name: str = Field(min_length=1, max_length=100)
    region: str | None = None
    industry: str | None = None
    mqls_per_month: int = Field(ge=0)


class Recycle(_Part):
    """What happens to a lead Sales rejects: back to nurture, rescored after a pause."""

    to_stage: Literal["lead", "subscriber"] = "lead"
    after_days: int = Field(default=90, ge=0)


class SlaTerms(_Part):
    mqls_per_month: int = Field(ge=0)
    min_grade: Grade = "B"
    segments: list[Segment] = []
    first_touch_working_hours: float = Field(gt=0, le=24 * 30)
    accept_within_working_days: int = Field(gt=0, le=60)
    recycle: Recycle = Recycle()


class AgreementDocument(_Part):
    """The whole signed document."""

    fit_rules: list[FitRule]
    grades: list[GradeBand] = Field(min_length=1)
    buying_power: BuyingPower = BuyingPower()
    engagement: Engagement
    disqualifiers: Disqualifiers = Disqualifiers()
    threshold: Threshold
    sla: SlaTerms

    @field_validator("fit_rules")
    @classmethod
    def _unique_names(cls, rules: list[FitRule]) -> list[FitRule]:
        seen = set()
        for rule in rules:
            if rule.name in seen:
                raise ValueError(f"two rules are named {rule.name!r}; names must be unique")
            seen.add(rule.name)
        return rules

    @field_validator("grades")
    @classmethod
    def _bands_cover_all_points(cls, bands: list[GradeBand]) -> list[GradeBand]:
        """Bands must not overlap and must leave no gap, so every fit score has one grade."""
        grades = [band.grade for band in bands]
        if len(set(grades)) != len(grades):
            raise ValueError("each grade may have one band only")
        ordered = sorted(bands, key=lambda b: -(10**9) if b.min is None else b.min)
        if ordered[0].min is not None:
            raise ValueError(f"no grade for fit points below {ordered[0].min}")
        if ordered[-1].max is not None:
            raise ValueError(f"no grade for fit points above {ordered[-1].max}")
        for low, high in zip(ordered, ordered[1:], strict=False):
            if low.max is None or high.min is None or low.max >= high.min:
                raise ValueError(f"grade bands {low.grade} and {high.grade} overlap")
            if high.min != low.max + 1:
                raise ValueError(f"no grade for fit points {low.max + 1} to {high.min - 1}")
        better_first = [b.grade for b in reversed(ordered)]
        if better_first != sorted(better_first):
            raise ValueError("better grades (A before D) need higher fit points")
        return bands

    def grade_for(self, fit_points: int) -> str:
        for band in self.grades:
            if (band.min is None or fit_points >= band.min) and (
                band.max is None or fit_points <= band.max
            ):
                return band.grade
        raise AssertionError("validated bands cover every score")


def check_document(data: str | bytes | dict[str, Any]) -> AgreementDocument:
    """Validate raw data (a dict or JSON text) into a document, or raise DocumentError."""
    try:
        if isinstance(data, str | bytes):
            return AgreementDocument.model_validate_json(data)
        return AgreementDocument.model_validate(data)
    except ValidationError as exc:
        raise DocumentError([_describe(error) for error in exc.errors()]) from None


def _describe(error: ErrorDetails) -> str:
    path = ".".join(str(part) for part in error["loc"]) or "document"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown field"
    return f"{path}: {message}"
