"""The fields the sync exchanges, under Accord's names, and which side owns each by default.

A field the CRM owns is taken from the CRM at every pull, overwriting a change made in Accord
(and saying so in the audit trail). A field Accord owns is written back when Accord's value
differs from the one last exchanged, so a change made in the CRM is written over again, unless
an admin makes the CRM its owner on the sync page. Accord's own figures (score, grade, the MQL
moment) are never read from the CRM."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from accord.crm.models import Account, Opportunity, Person
from accord.crm_sync.connector import ObjectType
from accord.crm_sync.models import FieldOwner, Side
from accord.imports.formats.base import (
    Unmapped,
    deal_stage,
    domain,
    email,
    lifecycle_stage,
    with_mappings,
)
from accord.imports.mappings import kept_mappings
from accord.imports.models import ValueMapping
from accord.inputs import NUL, NUL_REFUSED
from accord.money import check_amount

MODELS = {
    ObjectType.PERSON: Person,
    ObjectType.ACCOUNT: Account,
    ObjectType.OPPORTUNITY: Opportunity,
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    owner: Side = Side.CRM
    pulled: bool = True  # False: Accord works it out (a score); the CRM's value is never read
    pushed: bool = False  # may be written back while Accord owns it
    link: bool = False  # the CRM id of another record (`account`), or an owner's e-mail


FIELDS: dict[ObjectType, tuple[Field, ...]] = {
    ObjectType.ACCOUNT: (
        Field("name", "Name"),
        Field("domain", "Domain"),
        Field("industry", "Industry"),
        Field("employee_count", "Employees"),
        Field("region", "Country or region"),
        Field("owner", "Owner", link=True),
    ),
    ObjectType.PERSON: (
        Field("email", "E-mail"),
        Field("first_name", "First name"),
        Field("last_name", "Last name"),
        Field("title", "Job title"),
        Field("phone", "Phone"),
        Field("lead_status", "Lead status"),
        Field("account", "Account", link=True),
        Field("lifecycle_stage", "Lifecycle stage", Side.ACCORD, pushed=True),
        Field("owner", "Owner (when Accord routed the lead)", Side.ACCORD, pushed=True, link=True),
        Field("score", "Score", Side.ACCORD, pulled=False, pushed=True),
        Field("grade", "Grade", Side.ACCORD, pulled=False, pushed=True),
        Field("mql_at", "MQL date", Side.ACCORD, pulled=False, pushed=True),
    ),
    ObjectType.OPPORTUNITY: (
        Field("name", "Name"),
        Field("amount", "Amount"),
        Field("currency", "Currency"),
        Field("stage", "Stage"),
        Field("close_date", "Close date"),
        Field("lost_reason", "Lost reason"),
        Field("account", "Account", link=True),
        Field("primary_contact", "Primary contact", link=True),
        Field("owner", "Owner", link=True),
    ),
}


def owners(kind: str, obj: str, becomes: ObjectType) -> dict[str, Side]:
    """Who owns each field of one CRM object: the default, unless an admin chose otherwise."""
    chosen = dict(FieldOwner.objects.filter(kind=kind, object=obj).values_list("field", "owner"))
    return {f.name: Side(chosen.get(f.name, f.owner)) for f in FIELDS[becomes]}


class Refused(ValueError):
    """A record Accord cannot take; the message is the reason shown with its id."""


def _text(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip()
        if NUL in value:
            raise Refused(f"{value[:40]!r} {NUL_REFUSED}")
        if len(value) > limit:
            raise Refused(f"{value[:40]!r}… is longer than {limit} characters")
        return value

    return parse


def _email(value: str) -> str:
    value = value.strip()
    return email(value) if value else ""


def _domain(value: str) -> str:
    return domain(value) if value.strip() else ""


def _whole(value: str) -> int | None:
    if not value.strip():
        return None
    number = Decimal(value)
    if number != number.to_integral_value() or not 0 <= number <= 2_147_483_647:
        raise Refused(f"{value!r} is not a number of employees")
    return int(number)


def _amount(value: str) -> Decimal | None:
    return check_amount(value.strip()) if value.strip() else None


def _currency(value: str) -> str:
    value = value.strip().upper()
    if len(value) != 3 or not value.isalpha():
        raise Refused(f"{value!r} is not a three-letter currency code")
    return value


def _date(value: str) -> dt.date | None:
    """A date as CRMs write it: YYYY-MM-DD, an ISO time, or milliseconds since 1970."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return dt.datetime.fromtimestamp(int(value) / 1000, dt.UTC).date()
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(dt.UTC).date() if parsed.tzinfo else parsed.date()


def _mapped(parser, kind: str, name: str) -> Callable[[str], str]:
    """A CRM's stage through Accord's names and the mappings kept for imports (one table for
    both: `accord mappings set`)."""
    mapped = with_mappings(parser, lambda: kept_mappings().get(kind, {}), None)

    def parse(value: str) -> str:
        try:
            return mapped(value.strip())
        except Unmapped:
            raise Refused(
                f"unknown {name} {value!r}: map it with accord mappings set {kind} "
                f'"{value}" ACCORD_VALUE (or in the admin)'
            ) from None

    return parse


PARSERS: dict[ObjectType, dict[str, Callable[[str], object]]] = {
    ObjectType.ACCOUNT: {
        "name": _text(255),
        "domain": _domain,
        "industry": _text(100),
        "employee_count": _whole,
        "region": _text(100),
    },
    ObjectType.PERSON: {
        "email": _email,
        "first_name": _text(100),
        "last_name": _text(100),
        "title": _text(200),
        "phone": _text(50),
        "lead_status": _text(50),
        "lifecycle_stage": _mapped(
            lifecycle_stage, ValueMapping.Kind.LIFECYCLE_STAGE, "lifecycle stage"
        ),
    },
    ObjectType.OPPORTUNITY: {
        "name": _text(255),
        "amount": _amount,
        "currency": _currency,
        "stage": _mapped(deal_stage, ValueMapping.Kind.DEAL_STAGE, "deal stage"),
        "close_date": _date,
        "lost_reason": _text(255),
    },
}

# The model attribute a link is stored in.
LINK_ATTRIBUTES = {
    "account": "account_id",
    "primary_contact": "primary_contact_id",
    "owner": "owner_id",
}
LINKED_OBJECT = {"account": ObjectType.ACCOUNT, "primary_contact": ObjectType.PERSON}


def parse(becomes: ObjectType, name: str, value: str):
    """One pulled value as Accord stores it; Refused (or ValueError) says why it cannot be."""
    try:
        return PARSERS[becomes][name](value)
    except Refused:
        raise
    except (ValueError, ArithmeticError) as exc:
        raise Refused(str(exc) or f"{value!r} is not a {name}") from None
