"""Synthetic journeys for the attribution benchmark, reproducible from a seed.

Two shapes: ChannelAttribution's aggregated paths (`unique_paths(n)`: exactly n distinct paths
with conversion, value and null counts) and raw touchpoints (`touchpoints(n)`: n rows of
journey_id, occurred_at, channel, converted, value). Channel popularity is skewed and each
channel has its own pull towards conversion, so the models have something to tell apart.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

CHANNELS = np.array(
    [
        "paid_search", "organic_search", "email", "direct", "paid_social", "display",
        "referral", "events", "webinar", "affiliates", "organic_social", "sales_outreach",
    ]
)  # fmt: skip
POPULARITY = 1.0 / np.arange(1, len(CHANNELS) + 1) ** 0.8
POPULARITY /= POPULARITY.sum()
PULL = np.linspace(0.02, 0.12, len(CHANNELS))


def _random_paths(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.minimum(rng.geometric(0.22, size=n), 16)
    codes = rng.choice(len(CHANNELS), size=int(lengths.sum()), p=POPULARITY)
    return lengths, codes


def unique_paths(n: int, seed: int = 20261123) -> pl.DataFrame:
    """Exactly `n` distinct paths: path, total_conversions, total_conversion_value, total_null."""
    rng = np.random.default_rng(seed)
    drawn = pl.DataFrame(schema={"path": pl.String, "pull": pl.Float64})
    while len(drawn) < n:
        lengths, codes = _random_paths(rng, 2 * n + 1000)
        journey = np.repeat(np.arange(len(lengths)), lengths)
        batch = (
            pl.DataFrame({"journey": journey, "step": CHANNELS[codes], "pull": PULL[codes]})
            .group_by("journey", maintain_order=True)
            .agg(pl.col("step").str.join(" > ").alias("path"), pl.col("pull").sum())
            .select("path", "pull")
        )
        drawn = pl.concat([drawn, batch]).unique("path", keep="first", maintain_order=True)
    drawn = drawn.head(n)
    visits = rng.geometric(0.35, size=n)
    conversions = rng.binomial(visits, np.minimum(drawn["pull"].to_numpy(), 0.9))
    value = np.round(conversions * rng.lognormal(7, 0.8, size=n), 2)
    return pl.DataFrame(
        {
            "path": drawn["path"],
            "total_conversions": conversions,
            "total_conversion_value": value,
            "total_null": visits - conversions,
        }
    )


#: Past this many touches, `touchpoint_parts` draws them in parts of this many, each of its own
#: seed, so that 10^8 touches are written to Parquet without holding them all in memory.
PART = 10_000_000


def touchpoint_parts(n: int, seed: int = 20261123) -> Iterator[pl.DataFrame]:
    """About `n` raw touches as `touchpoints(n)` has them, in parts of about PART touches when
    there are more (each part's journeys numbered after the previous part's)."""
    if n <= PART:
        yield touchpoints(n, seed)
        return
    first = 0
    for part in range(-(-n // PART)):
        frame = touchpoints(min(PART, n - part * PART), seed, part=part, first_journey=first)
        first = frame["journey_id"].max() + 1
        yield frame


def touchpoints(
    n: int, seed: int = 20261123, *, part: int = 0, first_journey: int = 0
) -> pl.DataFrame:
    """About `n` raw touches of journeys, in no particular order, as a warehouse holds them."""
    rng = np.random.default_rng([seed, part] if part else seed)
    lengths, codes = _random_paths(rng, int(n / 4.5))
    journey = np.repeat(np.arange(len(lengths)), lengths)
    pull = np.bincount(journey, PULL[codes], minlength=len(lengths))
    converted = rng.random(len(lengths)) < np.minimum(pull, 0.9)
    value = np.where(converted, np.round(rng.lognormal(7, 0.8, size=len(lengths)), 2), 0.0)
    start = rng.integers(1_700_000_000, 1_760_000_000, size=len(lengths))
    gaps = rng.integers(60, 14 * 86_400, size=len(codes))
    elapsed = np.cumsum(gaps)
    occurred = start[journey] + elapsed - elapsed[np.repeat(np.cumsum(lengths) - lengths, lengths)]
    order = rng.permutation(len(codes))
    return pl.DataFrame(
        {
            "journey_id": journey[order] + first_journey,
            "occurred_at": pl.Series(occurred[order] * 1_000_000).cast(pl.Datetime("us")),
            "channel": pl.Series(CHANNELS[codes][order]).cast(pl.Categorical),
            "converted": converted[journey][order],
            "value": value[journey][order],
        }
    )
