"""Reading journeys from CSV or Parquet files, as warehouses export them."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .paths import (
    InputError,
    Paths,
    concat_paths,
    paths_from_aggregated,
    paths_from_touchpoints,
)

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


#: Grouping touches in memory peaks at about this many times their Parquet file's size (8.6 GB
#: for 10^8 touches in 1.3 GB: bench/README.md)...
MEMORY_PER_PARQUET_BYTE = 7
#: ...so a larger file is grouped in parts, each the touches of a share of the journeys, that
#: take about this much each.
PART_MEMORY = 2 * 2**30


def read_touchpoints(path: str | Path, *, with_ages: bool = False) -> Paths:
    """Raw touchpoints: `journey_id`, `occurred_at`, `channel`, `converted`, `value`, and
    optionally `lead_at`, `opportunity_at`, `won_at`. A large Parquet file is read and grouped
    a share of its journeys at a time."""
    path = Path(path)
    parts = 1
    if FORMATS.get(path.suffix.lower()) == "Parquet" and path.is_file():
        parts = -(-MEMORY_PER_PARQUET_BYTE * path.stat().st_size // PART_MEMORY)
    if parts <= 1:
        return paths_from_touchpoints(read_frame(path), with_ages=with_ages)
    grouped = []
    for part in range(parts):
        touches = _read_part(path, part, parts)
        if len(touches):
            grouped.append(paths_from_touchpoints(touches, with_ages=with_ages))
        del touches
    if not grouped:
        raise InputError(f"{path}: the file has no rows")
    return concat_paths(grouped)


def _read_part(path: Path, part: int, parts: int) -> pl.DataFrame:
    """The touches of the journeys whose id hashes to `part` of `parts`."""
    try:
        scan = pl.scan_parquet(path)
        if "journey_id" not in scan.collect_schema():
            return pl.read_parquet(path) if part == 0 else pl.DataFrame()  # refused as a whole
        share = pl.col("journey_id").hash(seed=0) % parts == part
        return scan.filter(share).collect()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"{path} is not a readable Parquet file ({exc})") from None
