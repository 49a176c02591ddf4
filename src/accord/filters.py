"""Template filters every page may use without loading them (TEMPLATES' `builtins`): money with
its currency, and codes by their labels. Each only calls the one function that formats or
labels, so a page shows an amount or a stage as every other page does."""

from django import template

from accord.crm.conversion import reporting_currency
from accord.labels import label_of
from accord.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    """`{{ deal.amount|money:deal.currency }}` is "€52,200.00"; without a currency the amount is
    in the reporting currency (a report's figure)."""
    return format_money(amount, currency or reporting_currency())


@register.filter
def money_rounded(amount, currency: str = "") -> str:
    """Money to the whole unit, for reports' large figures: "$1,250,000"."""
    return format_money(amount, currency or reporting_currency(), cents=False)


@register.filter
def label(code: str, vocabulary: str) -> str:
    """`{{ v.from_stage|label:"stage" }}` is "Marketing qualified lead"."""
    return label_of(code, vocabulary)


@register.filter
def percent(share) -> str:
    """A share as a percentage to one decimal: 0.1234 is "12.3%"."""
    return "–" if share is None else f"{share * 100:.1f}%"


@register.filter
def points(difference) -> str:
    """A difference of two rates in percentage points, signed: 0.021 is "+2.1 points"."""
    return "–" if difference is None else f"{difference * 100:+.1f} points"
