"""Accounts and the people who work there, generated as columns."""

import numpy as np
import polars as pl

from accord.demo.vocabulary import (
    COMPANY_INFIXES,
    COMPANY_WORDS,
    DECISION_MAKER_SHARE,
    DEPARTMENTS,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    REGIONAL_TLDS,
    REGIONS,
    SENIORITY_SHARES,
    TITLE_FORMS,
    TLDS,
)


def pick(values, idx: np.ndarray) -> pl.Series:
    """values[idx] as a Polars column, without a Python loop over the rows."""
    return pl.Series(list(values)).gather(idx)


def shares(weights: dict) -> tuple[list, np.ndarray]:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys, p / p.sum()


def with_number_on_repeats(column: pl.Expr) -> pl.Expr:
    """Make repeated values unique: the second "acme" becomes "acme2" (the first stays as is)."""
    nth = column.cum_count().over(column)
    return pl.when(nth > 1).then(column + nth.cast(pl.String)).otherwise(column)


def generate_accounts(rng: np.random.Generator, n: int, rep_by_region: dict[str, int]):
    industries = list(INDUSTRIES)
    p_industry = np.array([INDUSTRIES[i][0] for i in industries])
    industry = rng.choice(len(industries), n, p=p_industry / p_industry.sum())
    endings = [(i, e) for i, name in enumerate(industries) for e in INDUSTRIES[name][1]]
    ending_idx = industry * 5 + rng.integers(0, 5, n)
    word = pick(COMPANY_WORDS, rng.integers(0, len(COMPANY_WORDS), n))
    infix = pick(COMPANY_INFIXES, rng.integers(0, len(COMPANY_INFIXES), n))
    ending_word = pick([e for _, e in endings], ending_idx)
    regions, p_region = shares(REGIONS)
    region = rng.choice(len(regions), n, p=p_region)
    tld_by_region = [REGIONAL_TLDS.get(r, TLDS) for r in regions]
    draw = rng.integers(0, 60, n)
    tld = [tld_by_region[r][k % len(tld_by_region[r])] for r, k in zip(region, draw, strict=True)]
    employees = np.clip(np.round(rng.lognormal(np.log(180), 1.5, n)), 5, 250_000).astype(np.int64)
    frame = pl.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "stem": (word + infix),
            "ending": ending_word,
            "tld": pl.Series(tld, dtype=pl.String),
            "industry": pick(industries, industry),
            "employee_count": employees,
            "region": pick(regions, region),
        }
    )
    owners = {region_name: rep_by_region[region_name] for region_name in regions}
    return frame.select(
        "id",
        (pl.col("stem") + " " + pl.col("ending")).alias("name"),
        with_number_on_repeats(
            (pl.col("stem") + pl.col("ending")).str.to_lowercase(),
        ).alias("domain_stem"),
        "tld",
        "industry",
        "employee_count",
        "region",
        pl.col("region").replace_strict(owners, return_dtype=pl.Int64).alias("owner_id"),
    ).select(
        "id",
        "name",
        (pl.col("domain_stem") + "." + pl.col("tld")).alias("domain"),
        "industry",
        "employee_count",
        "region",
        "owner_id",
    )


def _titles(rng: np.random.Generator, seniority: np.ndarray, levels: list) -> pl.Series:
    """A title per person that fits their seniority, in one of the company's departments."""
    forms = [form for level in levels for form in TITLE_FORMS[level]]
    table = [form.format(d=d) for form in forms for d in DEPARTMENTS]
    form = seniority * 4 + rng.integers(0, 4, len(seniority))
    dept = rng.integers(0, len(DEPARTMENTS), len(seniority))
    return pick(table, form * len(DEPARTMENTS) + dept)


def generate_people(rng: np.random.Generator, n: int, accounts: pl.DataFrame) -> pl.DataFrame:
    """People spread over accounts, bigger companies holding more of them."""
    weight = np.sqrt(accounts["employee_count"].to_numpy().astype(float))
    account_idx = rng.choice(len(accounts), n, p=weight / weight.sum())
    levels, p_level = shares(SENIORITY_SHARES)
    seniority = rng.choice(len(levels), n, p=p_level)
    dm_share = np.array([DECISION_MAKER_SHARE[level] for level in levels])
    first = pick(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), n))
    last = pick(LAST_NAMES, rng.integers(0, len(LAST_NAMES), n))
    has_phone = rng.random(n) < 0.55
    phone = pl.Series(rng.integers(2_000_000, 9_999_999, n)).cast(pl.String)
    frame = pl.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "first_name": first,
            "last_name": last,
            "title": _titles(rng, seniority, levels),
            "seniority": pick([str(level) for level in levels], seniority),
            "is_decision_maker": rng.random(n) < dm_share[seniority],
            "phone": pl.Series(has_phone).cast(pl.String),
            "digits": phone,
            "account_id": accounts["id"].gather(account_idx),
            "domain": accounts["domain"].gather(account_idx),
        }
    )
    local = (pl.col("first_name") + "." + pl.col("last_name")).str.to_lowercase()
    return frame.select(
        "id",
        _emails_unique(local, pl.col("domain")).alias("email"),
        "first_name",
        "last_name",
        "title",
        "seniority",
        "is_decision_maker",
        pl.when(pl.col("phone") == "true")
        .then("+1 555 " + pl.col("digits"))
        .otherwise(pl.lit(""))
        .alias("phone"),
        "account_id",
    )


def _emails_unique(local: pl.Expr, domain: pl.Expr) -> pl.Expr:
    """Two Maria Garcias at one company: the second becomes maria.garcia2@ the same domain."""
    address = local + "@" + domain
    nth = address.cum_count().over(address)
    return pl.when(nth > 1).then(local + nth.cast(pl.String) + "@" + domain).otherwise(address)
