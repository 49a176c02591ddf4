"""Money in the reporting currency: the one conversion every money figure goes through.

An amount in another currency is worth `amount × rate` at the latest rate kept on or before the
day that counts (a deal's close date; for a campaign's cost its start date); an amount already
in the reporting currency is worth itself. Where no such rate is kept the value is NULL: the
reports leave those records out and say which, they never add an amount in another currency as
if it were in the reporting one.
"""

from django.conf import settings
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.crm.models import ExchangeRate

VALUE = DecimalField(max_digits=32, decimal_places=12)


def reporting_currency() -> str:
    return settings.REPORTING_CURRENCY


def with_reported_value(
    records: QuerySet, *, amount: str, currency: str, day: str, name: str = "reported"
) -> QuerySet:
    """`records` annotated with `name`: their `amount` (in `currency`) in the reporting currency
    at the latest rate on or before `day` (today when the record has no day); NULL without one."""
    target = reporting_currency()
    rate = (
        ExchangeRate.objects.filter(
            currency=OuterRef(currency), quote_currency=target, day__lte=OuterRef(f"{name}_on")
        )
        .order_by("-day")
        .values("rate")[:1]
    )
    converted = ExpressionWrapper(F(amount) * Subquery(rate), output_field=VALUE)
    return records.annotate(**{f"{name}_on": Coalesce(day, Value(timezone.localdate()))}).annotate(
        **{
            name: Case(
                When(**{currency: target}, then=F(amount)), default=converted, output_field=VALUE
            )
        }
    )
