"""Touches to unique paths on DuckDB, out of core: Parquet (a file, a folder of files or a glob)
or CSV larger than memory, grouped under a memory limit, spilling to a temporary folder.

DuckDB is an optional extra (`pip install accord[duckdb]`).
"""

from __future__ import annotations

import re
import tempfile
from glob import glob
from pathlib import Path
from typing import Any, cast

import polars as pl

from .engines import CHECKS, Touches, check, markers_in
from .paths import InputError

#: The default memory limit, as a multiple of the input's size on disk.
#: Sorting each journey's touches holds them in memory: 3x ran out on 10^7 touches
#: (bench/README.md).
MEMORY_PER_INPUT_BYTE = 8
LEAST_MEMORY = 2**30
SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)

DAY_US = 86_400_000_000


def unique_paths_on_duckdb(touches: Touches) -> pl.DataFrame:
    """The unique paths of `touches.source`, grouped by DuckDB within its memory limit."""
    try:
        import duckdb
    except ImportError:
        raise InputError("--engine duckdb needs DuckDB: pip install 'accord[duckdb]'") from None
    files = _files(touches.source)
    limit = touches.memory_limit or f"{_default_limit(files) // 2**20}MB"
    if not SIZE.match(limit):
        raise InputError(f"--memory-limit {limit!r}: give a size such as 800MB or 4GB")
    with tempfile.TemporaryDirectory(prefix="accord-duckdb-") as spill:
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": limit,
            "temp_directory": spill,
            "preserve_insertion_order": False,
        }
        try:
            with duckdb.connect(config=config) as con:
                reader = con.read_csv if files[0].endswith(".csv") else con.read_parquet
                reader(files).create_view("touches")
                types = dict(
                    con.execute(
                        "SELECT column_name, column_type FROM (DESCRIBE touches)"
                    ).fetchall()
                )
                markers = markers_in(list(types))
                check(dict(zip(CHECKS, _fetchone(con, CHECKS_SQL), strict=True)))
                grouping = _grouping(markers, touches.with_ages, types)
                return cast(pl.DataFrame, con.sql(grouping).pl())
        except duckdb.Error as exc:
            raise InputError(f"{touches.source}: {exc}") from None


def _files(source: str) -> list[str]:
    """The files a source names: itself, the Parquet files under a folder, or a glob's matches."""
    path = Path(source)
    if path.is_dir():
        files = sorted(glob(str(path / "**" / "*.parquet"), recursive=True))
    elif any(c in source for c in "*?["):
        files = sorted(glob(source, recursive=True))
    else:
        files = [source] if path.is_file() else []
    if not files:
        raise InputError(f"{source}: no such file, or no Parquet files in it")
    suffixes = {Path(f).suffix.lower() for f in files}
    if not suffixes <= {".parquet", ".pq"} and suffixes != {".csv"}:
        raise InputError(f"{source}: expected Parquet or CSV files, found {sorted(suffixes)}")
    return files


def _default_limit(files: list[str]) -> int:
    return max(LEAST_MEMORY, MEMORY_PER_INPUT_BYTE * sum(Path(f).stat().st_size for f in files))


def _fetchone(con: Any, sql: str) -> tuple[Any, ...]:
    (row,) = con.sql(sql).fetchall()  # an aggregate without GROUP BY: one row
    return tuple(row)


CHECKS_SQL = """
SELECT count(*), count(*) - count(journey_id), count(*) - count(occurred_at),
       count(*) - count(channel), count_if(value < 0)
FROM touches
"""


def _grouping(markers: list[str], with_ages: bool, columns: dict[str, str]) -> str:
    """Journeys first (steps in time order, conversion, value, markers, times), then unique
    paths with their sums: the same rules as the Polars grouping."""
    per_journey = [
        "list(CAST(channel AS VARCHAR) ORDER BY occurred_at) AS steps",
        "least(greatest(coalesce(max(CAST(converted AS DOUBLE)), 0), 0), 1) AS conversions",
        "coalesce(max(CAST(value AS DOUBLE)), 0) AS value",
    ]
    keys = ["steps"]
    if "segment" in columns:
        per_journey.append("first(CAST(segment AS VARCHAR) ORDER BY occurred_at) AS segment")
        keys.append("segment")
    if markers:
        for m in ("lead", "opportunity", "won"):
            reached = f"CAST(count_if(occurred_at <= {m}_at) - 1 AS INTEGER)"
            per_journey.append(f"{reached if m in markers else 'CAST(-1 AS INTEGER)'} AS {m}")
        keys += ["lead", "opportunity", "won"]
    ages = ""
    if with_ages:
        instant, age = _ages(columns["occurred_at"])
        per_journey.append(f"list({instant} ORDER BY occurred_at) AS times")
        ages = f", list_transform(times, lambda t: {age}) AS ages"
        keys.append("ages")
    return f"""
    WITH journeys AS (
        SELECT {", ".join(per_journey)} FROM touches GROUP BY journey_id
    ), journeys_with_ages AS (SELECT *{ages} FROM journeys)
    SELECT {", ".join(keys)}, sum(conversions) AS conversions,
           sum(1 - conversions) AS nulls, sum(value * conversions) AS value
    FROM journeys_with_ages GROUP BY {", ".join(keys)}
    """


def _ages(occurred_at_type: str) -> tuple[str, str]:
    """A touch's time as a number, and a touch's age from it: in whole days before the
    journey's last touch for a date or time, the difference itself for a number."""
    if occurred_at_type.startswith(("TIMESTAMP", "DATE")):
        return "epoch_us(CAST(occurred_at AS TIMESTAMP))", f"(times[-1] - t) // {DAY_US}"
    return "CAST(occurred_at AS DOUBLE)", "CAST(trunc(times[-1] - t) AS BIGINT)"
