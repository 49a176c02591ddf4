"""Where raw touches become unique paths: Polars in this process, DuckDB out of core, Spark on
a cluster.

Grouping touches into unique paths is the one step that grows with the touches; every model
then reads unique paths. DuckDB (Parquet larger than memory, under a memory limit) and Spark (a
table or files on a cluster) run that grouping where the touches are and bring back only the
unique paths, their steps named by channel. `paths_from_unique` codes those names as the Polars
grouping does, so the same exact solvers run whichever engine grouped, and give the same credit.

Each engine follows `paths_from_touchpoints`' rules: a journey's steps in time order, converted
if any of its rows says so, its value the largest on its rows, its segment that of its first
touch, a stage marker at the last touch
at or before the stage, ages in whole days before the journey's last touch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from .files import read_touchpoints
from .paths import (
    MARKERS,
    TOUCHPOINT_COLUMNS,
    UNKNOWN_SEGMENT,
    InputError,
    Paths,
    paths_from_code_lists,
)


class Engine(StrEnum):
    POLARS = "polars"
    DUCKDB = "duckdb"
    SPARK = "spark"


@dataclass(frozen=True)
class Touches:
    """Where the raw touches are and how to group them."""

    source: str
    engine: Engine = Engine.POLARS
    with_ages: bool = False
    memory_limit: str | None = None  # DuckDB, e.g. "2GB"; by default 3x the input's size
    spark_remote: str | None = None  # Spark Connect, e.g. "sc://host:15002"


def read_unique_paths(touches: Touches) -> Paths:
    """The unique paths of the touches, grouped by the chosen engine."""
    if touches.engine == Engine.POLARS:
        return read_touchpoints(touches.source, with_ages=touches.with_ages)
    if touches.engine == Engine.DUCKDB:
        from .outofcore import unique_paths_on_duckdb

        return paths_from_unique(unique_paths_on_duckdb(touches))
    from .cluster import unique_paths_on_spark

    return paths_from_unique(unique_paths_on_spark(touches))


def markers_in(columns: Sequence[str]) -> list[str]:
    """The stage markers the touches carry; refuses touches missing a needed column."""
    missing = [c for c in TOUCHPOINT_COLUMNS if c not in columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(map(repr, missing))}; found {columns}")
    return [m for m in MARKERS if f"{m}_at" in columns]


#: The checks each engine computes in one pass, as `paths_from_touchpoints` makes them.
CHECKS = ("rows", "empty_journey_id", "empty_occurred_at", "empty_channel", "negative_value")


def check(counts: dict[str, int]) -> None:
    """Refuse touches the engine counted as unusable, in the words of the Polars grouping."""
    if not counts["rows"]:
        raise InputError("there are no touchpoints")
    for name in ("journey_id", "occurred_at", "channel"):
        if counts[f"empty_{name}"]:
            raise InputError(f"column {name!r} has {counts[f'empty_{name}']} empty value(s)")
    if counts["negative_value"]:
        raise InputError("column 'value' has negative values")


def paths_from_unique(unique: pl.DataFrame) -> Paths:
    """Unique paths whose `steps` are lists of channel names (stripped of surrounding spaces
    here, as everywhere), with `conversions`, `nulls`, `value` and optionally the MARKERS and
    `ages`: the shape DuckDB and Spark bring back."""
    steps = unique["steps"].list.eval(pl.element().cast(pl.String).str.strip_chars())
    names = steps.explode().drop_nulls().unique().sort()
    if (names == "").any():
        raise InputError("column 'channel' has empty values")
    coded = unique.with_columns(
        steps.list.eval(pl.element().cast(pl.Enum(names)).to_physical()).alias("steps")
    )
    if "segment" in unique.columns:
        segment = pl.col("segment").fill_null(UNKNOWN_SEGMENT).str.strip_chars()
        coded = coded.with_columns(segment.replace("", UNKNOWN_SEGMENT))
    return paths_from_code_lists(tuple(names.to_list()), coded)
