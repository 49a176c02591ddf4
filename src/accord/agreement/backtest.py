"""Backtest before you sign: replay a document on the last months of history.

For each of the last N complete calendar months (UTC), everybody is scored with the engine as of
the month's end. A person counts as an MQL in the first month whose end finds them qualified
(people already qualified at the start of the period are left out: they were MQLs before it).
Of those MQLs: how many reached SQL, opportunity and won (lifecycle history, or being the primary
contact of an opportunity), and the revenue of the won opportunities they are primary contact of,
in the reporting currency at the rate of each deal's close date (`crm.conversion`); a won deal in
another currency with no rate kept is left out of the revenue and counted apart, never added as
if it were in the reporting currency.
And of the people Sales rejected in a month (a rejected handoff, or a step back from MQL/SAL to
lead or disqualified), how many the document would have qualified at that month's end.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.db.models.functions import Round
from django.utils import timezone

from accord.agreement.rescoring import load_everybody
from accord.agreement.selectors import get_agreement_in_force
from accord.crm.conversion import with_reported_value
from accord.crm.models import (
    Account,
    ExchangeRate,
    LifecycleChange,
    LifecycleStage,
    Opportunity,
    Person,
    PipelineStage,
)
from accord.handoff.models import Handoff
from accord.scoring import AgreementDocument, score_people
from accord.touchpoints.models import Touchpoint

Stage = LifecycleStage
REACHED = {
    "sql": (Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER, Stage.EVANGELIST),
    "opportunity": (Stage.OPPORTUNITY, Stage.CUSTOMER, Stage.EVANGELIST),
    "won": (Stage.CUSTOMER, Stage.EVANGELIST),
}
CUSTOMER_STAGES = REACHED["won"]
MAX_MONTHS = 36
CACHE_SECONDS = 7 * 24 * 3600
REJECTED_FROM = (Stage.MQL, Stage.SAL)
REJECTED_TO = (Stage.LEAD, Stage.DISQUALIFIED)


@dataclass(frozen=True)
class MonthFigures:
    month: dt.date
    mqls: int
    sql: int
    opportunity: int
    won: int
    revenue: Decimal  # in the reporting currency
    rejected: int
    let_through: int
    unconverted: int = 0  # won deals left out of the revenue: no rate to the reporting currency

    def share(self, count: int) -> float | None:
        return count / self.mqls if self.mqls else None

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"

    def share_text(self, count: int) -> str:
        """ "3 (25%)": how many of the month's MQLs, and their share."""
        share = self.share(count)
        return f"{count}" if share is None else f"{count} ({share:.0%})"

    @property
    def sql_text(self) -> str:
        return self.share_text(self.sql)

    @property
    def opportunity_text(self) -> str:
        return self.share_text(self.opportunity)

    @property
    def won_text(self) -> str:
        return self.share_text(self.won)


@dataclass(frozen=True)
class Backtest:
    """One document's figures, month by month."""

    months: list[MonthFigures]

    @property
    def total(self) -> MonthFigures:
        counts = ("mqls", "sql", "opportunity", "won", "rejected", "let_through", "unconverted")
        return MonthFigures(
            month=self.months[0].month,
            revenue=sum((m.revenue for m in self.months), Decimal("0.00")),
            **{name: sum(getattr(m, name) for m in self.months) for name in counts},
        )


def month_starts(months: int, as_of: dt.datetime) -> list[dt.datetime]:
    """The first instants (UTC) of the last `months` complete months, and of the current one."""
    as_of = as_of.astimezone(dt.UTC)
    year, month = as_of.year, as_of.month
    starts = []
    for _ in range(months + 1):
        starts.append(dt.datetime(year, month, 1, tzinfo=dt.UTC))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def _frame(rows, schema: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row")


class History:
    """What happened, read once and shared by the documents compared."""

    def __init__(self, months: int, as_of: dt.datetime | None = None):
        self.starts = month_starts(months, as_of or timezone.now())
        people, self.touches = load_everybody(None)
        self.people = people.drop("is_customer")
        self.created = _frame(
            Person.objects.values_list("pk", "created_at"),
            {"person_id": pl.Int64, "created_at": pl.Datetime("us", "UTC")},
        )
        self.changes = _frame(
            LifecycleChange.objects.values_list(
                "person_id", "from_stage", "to_stage", "changed_at"
            ),
            {
                "person_id": pl.Int64,
                "from_stage": pl.String,
                "to_stage": pl.String,
                "changed_at": pl.Datetime("us", "UTC"),
            },
        )
        deals = with_reported_value(
            Opportunity.objects.all(), amount="amount", currency="currency", day="close_date"
        )
        self.opportunities = _frame(
            deals.values_list(
                "primary_contact_id",
                "account_id",
                "stage",
                Round("reported", 2),
                "close_date",
                "created_date",
            ),
            {
                "person_id": pl.Int64,
                "account_id": pl.Int64,
                "stage": pl.String,
                "amount": pl.Decimal(16, 2),
                "close_date": pl.Date,
                "created_date": pl.Date,
            },
        )
        self.rejections = self._rejections()

    def _rejections(self) -> pl.DataFrame:
        """(person_id, month index) for each person Sales rejected in a month of the period."""
        start, end = self.starts[0], self.starts[-1]
        handoffs = Handoff.objects.filter(
            status=Handoff.Status.REJECTED, decided_at__gte=start, decided_at__lt=end
        ).values_list("person_id", "decided_at")
        steps_back = LifecycleChange.objects.filter(
            Q(from_stage__in=REJECTED_FROM, to_stage__in=REJECTED_TO),
            changed_at__gte=start,
            changed_at__lt=end,
        ).values_list("person_id", "changed_at")
        schema = {"person_id": pl.Int64, "at": pl.Datetime("us", "UTC")}
        rows = pl.concat([_frame(handoffs, schema), _frame(steps_back, schema)])
        return rows.with_columns(self._month_index("at").alias("month")).unique(
            ["person_id", "month"]
        )

    def _month_index(self, column: str) -> pl.Expr:
        """Which month of the period a time falls in (0 is the first)."""
        first = self.starts[0]
        col = pl.col(column).dt.convert_time_zone("UTC")
        return col.dt.year() * 12 + col.dt.month() - (first.year * 12 + first.month)

    def people_at(self, at: dt.datetime) -> pl.DataFrame:
        """People who existed at `at`, with whether they were customers by then."""
        won_accounts = self.opportunities.filter(
            (pl.col("stage") == PipelineStage.CLOSED_WON)
            & (pl.coalesce("close_date", "created_date") < at.date())
            & pl.col("account_id").is_not_null()
        )["account_id"]
        customers = self.changes.filter(
            pl.col("to_stage").is_in(CUSTOMER_STAGES) & (pl.col("changed_at") < at)
        )["person_id"]
        existing = self.created.filter(pl.col("created_at") < at)["person_id"]
        return self.people.filter(pl.col("person_id").is_in(existing.implode())).with_columns(
            (
                pl.col("account_id").is_in(won_accounts.implode())
                | pl.col("person_id").is_in(customers.implode())
            )
            .fill_null(False)
            .alias("is_customer")
        )

    def reached(self) -> pl.DataFrame:
        """person_id, sql, opportunity, won, revenue, unconverted: how far each person ever went
        (revenue in the reporting currency; unconverted, their won deals without a rate)."""
        by_stage = self.changes.group_by("person_id").agg(
            pl.col("to_stage").is_in(stages).any().alias(name) for name, stages in REACHED.items()
        )
        won = pl.col("stage") == PipelineStage.CLOSED_WON
        deals = (
            self.opportunities.filter(pl.col("person_id").is_not_null())
            .group_by("person_id")
            .agg(
                pl.lit(True).alias("has_opportunity"),
                won.any().alias("has_won"),
                pl.col("amount").filter(won).fill_null(0).sum().alias("revenue"),
                (won & pl.col("amount").is_null()).sum().alias("unconverted"),
            )
        )
        people = self.people.select("person_id", "lifecycle_stage")
        return (
            people.join(by_stage, on="person_id", how="left")
            .join(deals, on="person_id", how="left")
            .select(
                "person_id",
                (pl.col("sql").fill_null(False) | pl.col("lifecycle_stage").is_in(REACHED["sql"]))
                .or_(pl.col("has_opportunity").fill_null(False))
                .alias("sql"),
                (
                    pl.col("opportunity").fill_null(False)
                    | pl.col("lifecycle_stage").is_in(REACHED["opportunity"])
                    | pl.col("has_opportunity").fill_null(False)
                ).alias("opportunity"),
                (
                    pl.col("won").fill_null(False)
                    | pl.col("lifecycle_stage").is_in(REACHED["won"])
                    | pl.col("has_won").fill_null(False)
                ).alias("won"),
                pl.col("revenue").fill_null(0).cast(pl.Decimal(16, 2)),
                pl.col("unconverted").fill_null(0),
            )
        )


def run_backtest(doc: AgreementDocument, history: History) -> Backtest:
    """The document's MQLs per month over the history, and what became of them."""
    qualified = []  # person ids qualified at each month start, the period's start first
    for at in history.starts:
        scores = score_people(history.people_at(at), history.touches, doc, at)
        qualified.append(set(scores.filter(pl.col("is_mql"))["person_id"].to_list()))
    reached = history.reached()
    seen = set(qualified[0])
    months = []
    for index, start in enumerate(history.starts[:-1]):
        at_end = qualified[index + 1]
        new = at_end - seen
        seen |= at_end
        outcome = reached.filter(pl.col("person_id").is_in(list(new)))
        rejected = history.rejections.filter(pl.col("month") == index)["person_id"].to_list()
        months.append(
            MonthFigures(
                month=start.date(),
                mqls=len(new),
                sql=int(outcome["sql"].sum()),
                opportunity=int(outcome["opportunity"].sum()),
                won=int(outcome["won"].sum()),
                revenue=Decimal(outcome["revenue"].sum() or 0).quantize(Decimal("0.01")),
                rejected=len(rejected),
                let_through=len(set(rejected) & at_end),
                unconverted=int(outcome["unconverted"].sum()),
            )
        )
    return Backtest(months=months)


@dataclass(frozen=True)
class Comparison:
    """A version's backtest beside the version in force's, on the same history."""

    version: int | None
    in_force: int | None
    draft: Backtest
    current: Backtest | None

    @property
    def unconverted(self) -> bool:
        """Whether a won deal was left out of a revenue for want of an exchange rate."""
        backtests = [self.draft, *([self.current] if self.current else [])]
        return any(m.unconverted for backtest in backtests for m in backtest.months)

    def rows(self) -> list[tuple[MonthFigures, MonthFigures | None]]:
        current = self.current.months if self.current else [None] * len(self.draft.months)
        return list(zip(self.draft.months, current, strict=True))


def compare_with_in_force(version, months: int = 6, as_of: dt.datetime | None = None) -> Comparison:
    """Backtest `version` and the version in force over the last `months` complete months."""
    return compare_document_with_in_force(version.document, version.number, months, as_of)


def compare_document_with_in_force(
    doc: AgreementDocument,
    number: int | None,
    months: int = 6,
    as_of: dt.datetime | None = None,
) -> Comparison:
    """Backtest a document (a saved version's `number`, None for one being edited) beside the
    version in force."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months: must be from 1 to {MAX_MONTHS}")
    history = History(months, as_of)
    in_force = get_agreement_in_force()
    return Comparison(
        version=number,
        in_force=in_force.number if in_force else None,
        draft=run_backtest(doc, history),
        current=run_backtest(in_force.document, history) if in_force else None,
    )


def history_stamp() -> str:
    """Changes whenever anything a backtest reads changes: people, accounts, touches, lifecycle
    moves, deals, exchange rates and rejected handoffs. Appended rows show in counts and last
    ids; edited people in their last update; accounts, deals and rates, which keep no update
    time, by their fields."""
    aggregates = [
        model.objects.aggregate(n=Count("id"), last=Max("id"), **extra)
        for model, extra in (
            (Person, {"updated": Max("updated_at")}),
            (Touchpoint, {}),
            (LifecycleChange, {}),
            (
                Handoff,
                {"decided": Max("decided_at"), "rejected": Count("id", Q(status="rejected"))},
            ),
        )
    ]
    digest = hashlib.sha256(repr(aggregates).encode())
    for rows in (
        Account.objects.order_by("id").values_list("id", "industry", "employee_count", "region"),
        Opportunity.objects.order_by("id").values_list(
            "id", "primary_contact_id", "account_id", "stage", "amount", "currency", "close_date"
        ),
        ExchangeRate.objects.order_by("id").values_list(
            "id", "day", "currency", "quote_currency", "rate"
        ),
    ):
        for row in rows.iterator(chunk_size=10_000):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def cached_comparison(version, months: int = 6) -> Comparison:
    """compare_with_in_force, kept per (version and its document, version in force, months,
    current month, history stamp): the pages and API reread it until any of those change."""
    return cached_document_comparison(version.document, version.number, months)


def cached_document_comparison(
    doc: AgreementDocument, number: int | None, months: int = 6
) -> Comparison:
    """compare_document_with_in_force, cached as cached_comparison is: an editor replaying the
    same draft twice waits once."""
    in_force = get_agreement_in_force()
    document = doc.model_dump_json(by_alias=True)
    key = (
        "agreement:backtest:v2:"
        + hashlib.sha256(
            repr(
                (
                    number,
                    document,
                    in_force.pk if in_force else None,
                    months,
                    month_starts(months, timezone.now())[-1],
                    history_stamp(),
                )
            ).encode()
        ).hexdigest()
    )
    comparison = cache.get(key)
    if comparison is None:
        comparison = compare_document_with_in_force(doc, number, months)
        cache.set(key, comparison, timeout=CACHE_SECONDS)
    return comparison
