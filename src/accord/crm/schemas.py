"""The JSON shapes of people, accounts and opportunities, in and out.

Inputs are `StrictIn` (accord.inputs): a field they do not list is refused, so a request cannot
set what the API does not offer, and no text may hold a NUL character. A `...Patch` schema has
every field optional: only the fields sent are changed. The `...Create` schema re-declares the
fields a new record needs. Money is a decimal string with a
currency code; times are ISO 8601 in UTC.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import FilterLookup, FilterSchema, Schema
from pydantic import AfterValidator, Field, StringConstraints

from accord.crm.models import LifecycleStage, PipelineStage, Seniority
from accord.inputs import Day, Email, Id, Moment, Name, StrictIn, Text
from accord.money import Money

UtcDatetime = Annotated[dt.datetime, AfterValidator(lambda moment: moment.astimezone(dt.UTC))]

Domain = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=255),
    Field(pattern=r"^$|^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$", examples=["acme.example"]),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR")]


class ErrorItem(Schema):
    loc: list[str | int] = Field(description="Where: e.g. body, payload, the field")
    msg: str = Field(description="Why, in words")
    type: str


class ErrorOut(Schema):
    detail: str | list[ErrorItem]


# --- people -----------------------------------------------------------------------------------


class PersonPatch(StrictIn):
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
    updated_since: Annotated[Moment | None, FilterLookup("updated_at__gte")] = None


# --- accounts ---------------------------------------------------------------------------------


class AccountPatch(StrictIn):
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


class OpportunityPatch(StrictIn):
    name: Name(255) = None
    account_id: Id | None = None
    primary_contact_id: Id | None = None
    amount: Money | None = None
    currency: Currency = None
    stage: PipelineStage = None
    created_date: Day = None
    close_date: Day | None = Field(None, description="Today when a deal closes without one")
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
    closed_since: Annotated[Day | None, FilterLookup("close_date__gte")] = None
