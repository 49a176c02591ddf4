"""Reading journeys from CSV or Parquet files, as warehouses export them."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .paths import InputError, Paths, paths_from_aggregated, paths_from_touchpoints

FORMATS = {".csv": "CSV", ".parquet": "Parquet", ".pq": "Parquet"}


def read_frame(path: str | Path) -> pl.DataFrame:
    """Read a CSV or Parquet file by its extension; say so when it is not what it claims."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"{path}: expected a .csv or .parquet file")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        if kind == "CSV":
            frame = pl.read_csv(path, try_parse_dates=True, infer_schema_length=10_000)
        else:
            frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not a readable {kind} file ({exc})") from None
    if not frame.width or not len(frame):
        raise InputError(f"{path}: the file has no rows")
    return frame


def read_paths(path: str | Path, sep: str = ">") -> Paths:
    """ChannelAttribution's aggregated paths: `path`, `total_conversions`,
    `total_conversion_value` and `total_null` (the last two optional)."""
    frame = read_frame(path)
    return paths_from_aggregated(
        frame,
        value="total_conversion_value" if "total_conversion_value" in frame.columns else None,
        nulls="total_null" if "total_null" in frame.columns else None,
        sep=sep,
    )


def read_touchpoints(path: str | Path, *, with_ages: bool = False) -> Paths:
    """Raw touchpoints: `journey_id`, `occurred_at`, `channel`, `converted`, `value`, and
    optionally `lead_at`, `opportunity_at`, `won_at`."""
    return paths_from_touchpoints(read_frame(path), with_ages=with_ages)
