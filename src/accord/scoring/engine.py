"""Score people from columns: fit, engagement, total, grade, MQL and the rules behind each score.

Everything is a Polars expression over whole columns, so scoring a million people is one pass and
scoring one person is the same code on a one-row frame. Points are whole numbers: each rule's
contribution is rounded once, so an explanation always adds up exactly to the total.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from accord.scoring.document import TEXT_FIELDS, AgreementDocument, FitRule

PEOPLE_SCHEMA = {
    "person_id": pl.Int64,
    "account_id": pl.Int64,
    "email": pl.String,
    "title": pl.String,
    "seniority": pl.String,
    "is_decision_maker": pl.Boolean,
    "industry": pl.String,
    "employee_count": pl.Int64,
    "region": pl.String,
    "account_domain": pl.String,
    "is_customer": pl.Boolean,
}
TOUCHPOINT_SCHEMA = pl.Schema(
    {
        "person_id": pl.Int64(),
        "kind": pl.String(),
        "channel": pl.String(),
        "occurred_at": pl.Datetime("us", "UTC"),
    }
)
# Fewer people than this are scored on Polars' in-memory engine, more on its default (streaming):
# the streaming engine's fixed cost outweighs its gain on a few rows, not on many
# (bench/README.md, "Lead capture load")
FEW_PEOPLE = 10_000
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SCORE_COLUMNS = [
    "person_id",
    "fit",
    "fit_grade",
    "engagement",
    "total",
    "is_mql",
    "disqualified_reason",
]


@dataclass(frozen=True)
class Contribution:
    rule: str
    points: int


@dataclass(frozen=True)
class _Component:
    column: str
    label: str


def _components(doc: AgreementDocument) -> tuple[list[_Component], list[_Component]]:
    fit = [_Component(f"fit__{i}", rule.name) for i, rule in enumerate(doc.fit_rules)]
    engagement = [
        _Component(f"eng__{kind}", f"Engagement: {kind.replace('_', ' ')}")
        for kind in doc.engagement.kinds
    ]
    return fit, engagement


def _fit_condition(rule: FitRule) -> pl.Expr:
    col = pl.col(rule.field)
    if rule.any_of is not None:
        wanted = [value.lower() for value in rule.any_of]
        condition = col.str.to_lowercase().is_in(wanted)
    elif rule.pattern is not None:
        condition = col.str.contains(f"(?i){rule.pattern}")
    elif rule.equals is not None:
        condition = col == rule.equals
    else:
        condition = pl.lit(True)
        if rule.min is not None:
            condition = condition & (col >= rule.min)
        if rule.max is not None:
            condition = condition & (col <= rule.max)
    return condition.fill_null(False)


def _round_points(expr: pl.Expr) -> pl.Expr:
    """Half up, to whole points (engagement is never negative)."""
    return (expr + 0.5).floor().cast(pl.Int64)


def _instant(value: dt.datetime) -> pl.Expr:
    """An aware datetime as a UTC literal, made from its microseconds since 1970: `pl.lit` of the
    datetime itself is slow to build, a noticeable part of scoring the one person a capture
    scores."""
    micros = (value - EPOCH) // dt.timedelta(microseconds=1)
    return pl.lit(micros, dtype=pl.Int64).cast(pl.Datetime("us", "UTC"))


def _engagement_by_kind(
    touchpoints: pl.LazyFrame, doc: AgreementDocument, as_of: dt.datetime
) -> pl.LazyFrame:
    """One row per person who has touches: decayed, capped points per touchpoint type.

    The one O(touchpoints) step: a filter and a single group-by.
    """
    rules = doc.engagement
    now = _instant(as_of)
    touches = touchpoints.filter(pl.col("occurred_at") <= now)
    if rules.window_days:
        since = _instant(as_of - dt.timedelta(rules.window_days))
        touches = touches.filter(pl.col("occurred_at") > since)
    kind_points = {kind: spec.points for kind, spec in rules.kinds.items()}
    base = pl.col("kind").replace_strict(kind_points, default=0, return_dtype=pl.Float64)
    if rules.channels:
        base = base + pl.col("channel").replace_strict(
            rules.channels, default=0, return_dtype=pl.Float64
        )
    age_days = (now - pl.col("occurred_at")).dt.total_microseconds() / 86_400e6
    decayed = base * (0.5 ** (age_days / rules.half_life_days))
    touches = touches.with_columns(decayed.alias("_points"))
    aggregated = touches.group_by("person_id").agg(
        pl.col("_points").filter(pl.col("kind") == kind).sum().alias(f"eng__{kind}")
        for kind in rules.kinds
    )
    capped = []
    for kind, spec in rules.kinds.items():
        col = pl.col(f"eng__{kind}")
        if spec.cap is not None:
            col = col.clip(upper_bound=spec.cap)
        capped.append(_round_points(col).alias(f"eng__{kind}"))
    return aggregated.with_columns(capped)


def _is_decision_maker(doc: AgreementDocument) -> pl.Expr:
    power = doc.buying_power
    expr = pl.col("seniority").is_in(list(power.seniorities)).fill_null(False)
    if power.use_decision_maker_flag:
        expr = expr | pl.col("is_decision_maker").fill_null(False)
    if power.title_pattern:
        expr = expr | pl.col("title").str.contains(f"(?i){power.title_pattern}").fill_null(False)
    return expr


def _buying_power_met(doc: AgreementDocument) -> pl.Expr:
    person = pl.col("_person_dm")
    account = (
        pl.when(pl.col("account_id").is_not_null())
        .then(pl.col("_person_dm").any().over("account_id"))
        .otherwise(False)
    )
    return {
        "person": person,
        "account": account,
        "person_or_account": person | account,
        "none": pl.lit(True),
    }[doc.buying_power.required]


def _email_domain() -> pl.Expr:
    return pl.col("email").str.extract(r"@([^@]+)$").str.to_lowercase()


def _disqualified_reason(doc: AgreementDocument) -> pl.Expr:
    rules = doc.disqualifiers
    checks: list[tuple[pl.Expr, str]] = []
    if rules.free_mail_domains:
        checks.append((_email_domain().is_in(rules.free_mail_domains), "free-mail address"))
    if rules.competitor_domains:
        competitor = _email_domain().is_in(rules.competitor_domains) | pl.col(
            "account_domain"
        ).str.to_lowercase().is_in(rules.competitor_domains)
        checks.append((competitor, "competitor"))
    if rules.student_title_pattern:
        student = pl.col("title").str.contains(f"(?i){rules.student_title_pattern}")
        checks.append((student, "student"))
    if rules.existing_customers:
        checks.append((pl.col("is_customer"), "existing customer"))
    reason = pl.lit(None, dtype=pl.String)
    for condition, label in reversed(checks):
        reason = pl.when(condition.fill_null(False)).then(pl.lit(label)).otherwise(reason)
    return reason


def _grade(doc: AgreementDocument) -> pl.Expr:
    bands = sorted(doc.grades, key=lambda b: b.grade, reverse=True)  # D first, A last wins
    expr = pl.lit(None, dtype=pl.String)
    for band in bands:
        condition = pl.lit(True)
        if band.min is not None:
            condition = condition & (pl.col("fit") >= band.min)
        if band.max is not None:
            condition = condition & (pl.col("fit") <= band.max)
        expr = pl.when(condition).then(pl.lit(band.grade)).otherwise(expr)
    return expr


def _prepare_people(people: pl.DataFrame) -> pl.LazyFrame:
    missing = [name for name in PEOPLE_SCHEMA if name not in people.columns]
    if missing:
        raise ValueError(f"people columns missing: {', '.join(missing)}")
    frame = people.lazy().select(pl.col(name).cast(dtype) for name, dtype in PEOPLE_SCHEMA.items())
    return frame.with_columns(pl.col(name).fill_null("") for name in TEXT_FIELDS)


def _touches(touchpoints: pl.DataFrame) -> pl.LazyFrame:
    return touchpoints.lazy().select(
        pl.col(name).cast(dtype) for name, dtype in TOUCHPOINT_SCHEMA.items()
    )


def engagement_points(
    touchpoints: pl.DataFrame, doc: AgreementDocument, as_of: dt.datetime
) -> pl.DataFrame:
    """One row per person who has touches: their `eng__KIND` points under `doc`'s engagement
    rules as of `as_of`. It depends on nothing else of the document, so whoever scores many
    documents with the same engagement rules on the same touches (the editor, keystroke after
    keystroke) works it out once and passes it to `score_components`."""
    return _engagement_by_kind(_touches(touchpoints), doc, as_of).collect()


def score_components(
    people: pl.DataFrame,
    touchpoints: pl.DataFrame,
    doc: AgreementDocument,
    as_of: dt.datetime,
    *,
    engagement: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The score columns plus one column per rule (`fit__N`, `eng__KIND`) with its points.
    `engagement`, when given, is `engagement_points` of these touches, this document's
    engagement rules and `as_of`, and the touches are not read again.

    One lazy query, collected once, rather than a query per step: quicker both for the one
    person a lead capture rescores and for a million."""
    fit_parts, eng_parts = _components(doc)
    frame = _prepare_people(people).with_columns(
        pl.when(_fit_condition(rule)).then(rule.points).otherwise(0).alias(part.column)
        for rule, part in zip(doc.fit_rules, fit_parts, strict=True)
    )
    points = (
        _engagement_by_kind(_touches(touchpoints), doc, as_of)
        if engagement is None
        else engagement.lazy()
    )
    frame = frame.join(points, on="person_id", how="left").with_columns(
        pl.col(part.column).fill_null(0) for part in eng_parts
    )
    fit_sum = pl.sum_horizontal([pl.col(p.column) for p in fit_parts] or [pl.lit(0)])
    eng_sum = pl.sum_horizontal([pl.col(p.column) for p in eng_parts] or [pl.lit(0)])
    frame = frame.with_columns(
        fit_sum.cast(pl.Int64).alias("fit"),
        eng_sum.cast(pl.Int64).alias("engagement"),
        _is_decision_maker(doc).alias("_person_dm"),
        _disqualified_reason(doc).alias("disqualified_reason"),
    ).with_columns(
        (pl.col("fit") + pl.col("engagement")).alias("total"),
        _grade(doc).alias("fit_grade"),
        _buying_power_met(doc).alias("buying_power_met"),
    )
    is_mql = (
        (pl.col("total") >= doc.threshold.min_total)
        & (pl.col("fit_grade") <= doc.threshold.min_grade)
        & pl.col("buying_power_met")
        & pl.col("disqualified_reason").is_null()
    )
    component_columns = [p.column for p in fit_parts + eng_parts]
    return (
        frame.with_columns(is_mql.alias("is_mql"))
        .select(*SCORE_COLUMNS, "buying_power_met", *component_columns)
        .collect(engine="in-memory" if people.height < FEW_PEOPLE else "auto")
    )


def score_people(
    people: pl.DataFrame,
    touchpoints: pl.DataFrame,
    doc: AgreementDocument,
    as_of: dt.datetime,
    *,
    engagement: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """person_id, fit, fit_grade, engagement, total, is_mql, disqualified_reason."""
    components = score_components(people, touchpoints, doc, as_of, engagement=engagement)
    return components.select(SCORE_COLUMNS)


def explain(components: pl.DataFrame, doc: AgreementDocument, person_id: int) -> list[Contribution]:
    """The rules that gave this person points, and how many; they add up to the total."""
    row = components.filter(pl.col("person_id") == person_id)
    if row.height != 1:
        raise KeyError(f"no score for person {person_id}")
    values = row.row(0, named=True)
    fit_parts, eng_parts = _components(doc)
    return [
        Contribution(part.label, values[part.column])
        for part in fit_parts + eng_parts
        if values[part.column] != 0
    ]


def contribution_codes(components: pl.DataFrame, doc: AgreementDocument) -> pl.Series:
    """Each person's explanation as stored: `rule:points` for the rules that gave points, by
    their place in the agreement (fit rules, then touchpoint types), e.g. `0:25 3:15 9:2`.

    A few bytes a person instead of the rules' names: a new version rewrites a million of them.
    Built column-wise, never per person in Python; read back with `contributions_from_codes`.
    """
    fit_parts, eng_parts = _components(doc)
    fragments = [
        pl.when(pl.col(part.column) != 0).then(
            pl.lit(f"{i}:") + pl.col(part.column).cast(pl.String)
        )
        for i, part in enumerate(fit_parts + eng_parts)
    ]
    codes = pl.concat_str(fragments, separator=" ", ignore_nulls=True) if fragments else pl.lit("")
    return components.select(codes.alias("contributions")).to_series()


def rule_names(doc: AgreementDocument) -> list[str]:
    """The names explanations give the agreement's rules, in the order codes number them."""
    fit_parts, eng_parts = _components(doc)
    return [part.label for part in fit_parts + eng_parts]


def contributions_from_codes(codes: str, doc: AgreementDocument) -> list[Contribution]:
    """The explanation `contribution_codes` stored, with the rules' names from the agreement."""
    names = rule_names(doc)
    pairs = sorted((int(place), int(points)) for place, points in _pairs(codes))
    return [Contribution(names[place], points) for place, points in pairs]


def _pairs(codes: str) -> Iterator[list[str]]:
    return (code.split(":") for code in codes.split())
