"""What every value a user sends must be before a service sees it, the same on every engine.

A check left to the database answers differently per engine, or with a server error: SQLite
stores a NUL character in text that PostgreSQL refuses (so a SQLite backup would not restore on
PostgreSQL), and SQLite's driver overflows on an integer past 64 bits where PostgreSQL finds
nothing. So the API's inputs derive from `StrictIn` and use the types below, pages read ids
and numbers from their query string or form with `read_id` and `read_int`, and one middleware
(accord.web.middleware) refuses a NUL in any query string or posted form.
"""

import datetime as dt
import re
from typing import Annotated, Any

from django.core.exceptions import BadRequest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

MAX_ID = 2**63 - 1  # the largest id either engine stores: a signed 64-bit integer
NUL = "\x00"
NUL_REFUSED = "must not contain a NUL character (\\u0000)"
_ID = re.compile(r"[1-9][0-9]{0,18}")

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="A record's id")]


def _check_email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError("Enter a valid e-mail address") from None
    return value


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=254),
    AfterValidator(_check_email),
    Field(json_schema_extra={"format": "email"}),
]


def _iso_8601(parse):
    """Only ISO 8601 text: pydantic alone would take 0 or "0" as a Unix time (1 January 1970)."""

    def check(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            raise ValueError("must be ISO 8601 text, e.g. 2026-03-01T09:30:00Z")
        try:
            return parse(value)
        except ValueError:
            raise ValueError(f"{value!r} is not ISO 8601, e.g. 2026-03-01T09:30:00Z") from None

    return BeforeValidator(check)


Moment = Annotated[
    AwareDatetime,
    _iso_8601(dt.datetime.fromisoformat),
    AfterValidator(lambda moment: moment.astimezone(dt.UTC)),
    Field(description="ISO 8601 with a time zone"),
]
Day = Annotated[dt.date, _iso_8601(dt.date.fromisoformat)]


def Text(max_length: int):  # noqa: N802 - reads like a type in the schemas
    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=max_length)]


def Name(max_length: int):  # noqa: N802
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)
    ]


def holds_nul(value: Any) -> bool:
    """True when `value`, or any text inside it (keys included), holds a NUL character."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return any(holds_nul(item) for item in value)
    return False


class StrictIn(Schema):
    """The base of every API input: a field it does not list is refused (422 naming it), and
    no text in it, however deep, may hold a NUL character."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")  # after: a nested input has checked its own fields
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if holds_nul(value):
            raise ValueError(NUL_REFUSED)
        return value


def read_int(data, name: str, *, default: int, low: int, high: int) -> int:
    """The whole number in `data[name]` (a page's query string or posted form), `default` when
    absent or blank; anything else than a number from `low` to `high` answers 400 naming it."""
    raw = data.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"-?[0-9]{1,19}", raw) or not low <= int(raw) <= high:
        raise BadRequest(f"'{name}' must be a whole number from {low} to {high}")
    return int(raw)


def read_id(data, name: str) -> int | None:
    """The record id in `data[name]` (a page's query string or posted form), None when absent
    or blank; anything else than an id answers 400 naming the parameter."""
    return _id(name, data.get(name, ""))


def read_ids(data, name: str) -> list[int]:
    """Every record id given as `name` (a form's checked boxes), by the rule of `read_id`."""
    return [pk for pk in (_id(name, raw) for raw in data.getlist(name)) if pk is not None]


def _id(name: str, raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not _ID.fullmatch(raw) or int(raw) > MAX_ID:
        raise BadRequest(f"'{name}' must be a record id (a whole number from 1 to {MAX_ID})")
    return int(raw)
