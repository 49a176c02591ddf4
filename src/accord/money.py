"""Money as Accord keeps it: a Decimal of at most twelve digits before the point and two after,
never negative, beside a three-letter currency code; and exchange rates between currencies.

The one definition of those bounds: the model fields, the API's schemas, the forms and the import
parsers all take them from here, so an amount one path accepts every path accepts, and one the
database could not hold (or a backup could not restore) is refused on every path, naming the field.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from babel.numbers import format_currency
from django import forms
from django.db import models
from pydantic import AfterValidator, Field

MAX_DIGITS = 14
DECIMAL_PLACES = 2
CENT = Decimal("0.01")
LIMIT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)
MAX_AMOUNT = LIMIT - CENT


def check_amount(value) -> Decimal:
    """`value` as an amount of money, or ValueError saying what is wrong with it."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    if amount < 0:
        raise ValueError("an amount is not negative")
    if amount >= LIMIT:
        raise ValueError(f"an amount is at most {MAX_AMOUNT:,}")
    if amount != amount.quantize(CENT, rounding="ROUND_DOWN"):
        raise ValueError("an amount has at most two decimal places (cents)")
    return amount.quantize(CENT)


def to_cents(value) -> Decimal:
    """A worked-out figure (a float, a Decimal, or None for nothing) rounded to the cent, as
    reports show money."""
    return Decimal(str(value or 0)).quantize(CENT)


def money_field(**options) -> models.DecimalField:
    """A model field holding an amount."""
    return models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **options)


class MoneyFormField(forms.DecimalField):
    """A form field for an amount, refusing what `check_amount` refuses."""

    def __init__(self, **options):
        super().__init__(
            max_digits=MAX_DIGITS,
            decimal_places=DECIMAL_PLACES,
            min_value=options.pop("min_value", 0),
            max_value=MAX_AMOUNT,
            **options,
        )


RATE_DIGITS = 20
RATE_PLACES = 10
RATE_LIMIT = Decimal(10) ** (RATE_DIGITS - RATE_PLACES)


def check_rate(value) -> Decimal:
    """`value` as an exchange rate (what one unit of a currency is worth in another), or
    ValueError saying what is wrong with it."""
    try:
        rate = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{value!r} is not a rate") from None
    if not rate.is_finite() or rate <= 0:
        raise ValueError(f"{value!r} is not a rate above zero")
    if rate >= RATE_LIMIT:
        raise ValueError(f"a rate is below {RATE_LIMIT:,}")
    if rate != rate.quantize(Decimal(10) ** -RATE_PLACES, rounding="ROUND_DOWN"):
        raise ValueError(f"a rate has at most {RATE_PLACES} decimal places")
    return rate


def rate_field(**options) -> models.DecimalField:
    """A model field holding an exchange rate."""
    return models.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES, **options)


Money = Annotated[
    Decimal,
    Field(
        ge=0,
        le=MAX_AMOUNT,
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        allow_inf_nan=False,
        examples=["12500.00"],
    ),
    AfterValidator(check_amount),
]
"""An amount in the API's schemas."""


def format_money(amount, currency: str, *, cents: bool = True) -> str:
    """`amount` as people read money: its currency's symbol where English has one ($, €, £),
    else its code, and digits grouped ("€52,200.00", "CHF 1,250.00"); to the whole unit without
    `cents`. An empty amount is a dash."""
    if amount is None or amount == "":
        return "–"
    shown = format_currency(
        Decimal(amount),
        currency,
        format=None if cents else "¤#,##0",
        currency_digits=cents,
        locale="en",
    )
    # CLDR puts a space between a code and the digits (CHF 1,250.00); babel leaves it out.
    return re.sub(r"^([A-Z]{3})(?=[\d-])", "\\1\N{NO-BREAK SPACE}", shown)
