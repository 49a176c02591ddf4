"""The bare Polars grouping from raw touches to unique paths with their conversions, as a
whole process: the floor that `accord attribution --touchpoints FILE` is compared with in
bench/attribution_bench.py's whole-process comparison.

    python bench/polars_paths_cli.py TOUCHPOINTS.parquet OUT.csv
"""

import sys

import polars as pl

source, out = sys.argv[1], sys.argv[2]
(
    pl.scan_parquet(source)
    .sort("journey_id", "occurred_at")
    .group_by("journey_id")
    .agg(pl.col("channel"), pl.col("converted").max(), pl.col("value").max())
    .group_by("channel")
    .agg(pl.col("converted").sum(), pl.len().alias("journeys"), pl.col("value").sum())
    .with_columns(pl.col("channel").cast(pl.List(pl.String)).list.join(" > "))
    .collect()
    .write_csv(out)
)
