"""The JSON shapes of people, accounts and opportunities, in and out.

Inputs refuse fields they do not list (extra="forbid"), so a request cannot set what the API
does not offer. A `...Patch` schema has every field optional: only the fields sent are changed.
The `...Create` schema re-declares the fields a new record needs. Money is a decimal string with a
currency code; times are ISO 8601 in UTC.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import FilterLookup, FilterSchema, Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, StringConstraints

from accord.crm.models import LifecycleStage, PipelineStage, Seniority
from accord.money import Money

Id = Annotated[int, Field(ge=1, le=2**63 - 1, description="A record's id")]
UtcDatetime = Annotated[dt.datetime, AfterValidator(lambda moment: moment.astimezone(dt.UTC))]


def _check_email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError("Enter a valid e-mail address") from None
    return value


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_check_email)
]
Domain = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=255),
    Field(pattern=r"^$|^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$", examples=["acme.example"]),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR")]


def Text(max_length: int):  # noqa: N802 - reads like a type in the schemas below
    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=max_length)]


def Name(max_length: int):  # noqa: N802
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)
    ]


class ErrorItem(Schema):
    loc: list[str | int] = Field(description="Where: e.g. body, payload, the field")
    msg: str = Field(description="Why, in words")
    type: str


class ErrorOut(Schema):
    detail: str | list[ErrorItem]


class In(Schema):
    model_config = ConfigDict(extra="forbid")


# --- people -----------------------------------------------------------------------------------


class PersonPatch(In):
    email: Email = None
    first_name: Text(100) = None
    last_name: Text(100) = None
    title: Text(200) = None
    seniority: Seniority = None
    is_decision_maker: bool = None
    phone: Text(50) = None
    account_id: Id | None = None
    owner_id: Id | None = Field(None, description="A user id; null leaves it in the pool")
    lifecycle_stage: LifecycleStage = Field(
        None, description="A change is kept in the person's lifecycle history"
    )
    lead_status: Text(50) = None
    original_source: Text(100) = None


class PersonCreate(PersonPatch):
    email: Email


class PersonOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    title: str
    seniority: str
    is_decision_maker: bool
    phone: str
    account_id: int | None
    owner_id: int | None
    lifecycle_stage: str
    lead_status: str
    original_source: str
    created_at: UtcDatetime
    updated_at: UtcDatetime


class PersonFilter(FilterSchema):
    lifecycle_stage: LifecycleStage | None = None
    owner_id: Id | None = None
    unassigned: Annotated[bool | None, FilterLookup("owner__isnull")] = None
    account_id: Id | None = None
    email: Annotated[str | None, FilterLookup("email__iexact")] = None
    updated_since: Annotated[AwareDatetime | None, FilterLookup("updated_at__gte")] = None


# --- accounts ---------------------------------------------------------------------------------


class AccountPatch(In):
    name: Name(255) = None
    domain: Domain = None
    industry: Text(100) = None
    employee_count: int | None = Field(None, ge=0, le=2_147_483_647)
    region: Text(100) = None
    owner_id: Id | None = None


class AccountCreate(AccountPatch):
    name: Name(255)


class AccountOut(Schema):
    id: int
    name: str
    domain: str
    industry: str
    employee_count: int | None
    region: str
    owner_id: int | None
    created_at: UtcDatetime


class AccountFilter(FilterSchema):
    owner_id: Id | None = None
    unassigned: Annotated[bool | None, FilterLookup("owner__isnull")] = None
    domain: Annotated[str | None, FilterLookup("domain__iexact")] = None
    name: Annotated[str | None, FilterLookup("name__icontains")] = None
    region: str | None = None


# --- opportunities ----------------------------------------------------------------------------


class OpportunityPatch(In):
    name: Name(255) = None
    account_id: Id | None = None
    primary_contact_id: Id | None = None
    amount: Money | None = None
    currency: Currency = None
    stage: PipelineStage = None
    created_date: dt.date = None
    close_date: dt.date | None = Field(None, description="Today when a deal closes without one")
    lost_reason: Text(255) = None
    owner_id: Id | None = None


class OpportunityCreate(OpportunityPatch):
    name: Name(255)


class OpportunityOut(Schema):
    id: int
    name: str
    account_id: int | None
    primary_contact_id: int | None
    amount: Decimal | None = Field(description="A decimal string, in `currency`")
    currency: str
    stage: str
    created_date: dt.date
    close_date: dt.date | None
    lost_reason: str
    owner_id: int | None


class OpportunityFilter(FilterSchema):
    stage: PipelineStage | None = None
    owner_id: Id | None = None
    unassigned: Annotated[bool | None, FilterLookup("owner__isnull")] = None
    account_id: Id | None = None
    closed_since: Annotated[dt.date | None, FilterLookup("close_date__gte")] = None
