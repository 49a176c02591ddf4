"""Journeys as columns: unique paths with their counts, the shape every model reads.

A path is the ordered list of channels (or campaigns) a journey touched. Journeys that share a
path, and the same stage markers, are one row: every model costs O(unique paths) afterwards.
The only O(touchpoints) step is `paths_from_touchpoints`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import polars as pl

#: Stage markers a journey may carry: the index of the touch at which the stage was reached.
MARKERS = ("lead", "opportunity", "won")


class InputError(ValueError):
    """Input the engine cannot attribute; the message names the problem."""


@dataclass(frozen=True)
class Paths:
    """Unique paths on flat columns.

    `touches` holds every path's channel codes end to end; path `i` is
    `touches[offsets[i]:offsets[i + 1]]`. `conversions`, `nulls` and `value` are per path.
    `ages` (optional, per touch) is how long before the journey's end the touch happened, in
    days, for time decay. `markers` (optional) maps "lead", "opportunity" and "won" to the index
    within its path of the touch at which that stage was reached (-1 when it was not).
    `segments` (optional, per path) is the code of the journey's segment in `segment_names`:
    journeys of different segments are different rows even when their paths match.
    """

    channels: tuple[str, ...]
    touches: np.ndarray
    offsets: np.ndarray
    conversions: np.ndarray
    nulls: np.ndarray
    value: np.ndarray
    ages: np.ndarray | None = None
    markers: dict[str, np.ndarray] | None = None
    segments: np.ndarray | None = None
    segment_names: tuple[str, ...] = ()

    @property
    def n_paths(self) -> int:
        return len(self.conversions)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    @cached_property
    def path_of_touch(self) -> np.ndarray:
        """Each touch's path index (a running count of path starts: cheaper than np.repeat)."""
        steps = np.zeros(len(self.touches), dtype=np.int32)
        steps[self.offsets[1:-1]] = 1
        running: np.ndarray = np.cumsum(steps, dtype=np.int32)
        return running

    @cached_property
    def position(self) -> np.ndarray:
        """Each touch's index within its path."""
        index: np.ndarray = np.arange(len(self.touches)) - self.offsets[:-1][self.path_of_touch]
        return index

    def reweighted(self, conversions: np.ndarray, nulls: np.ndarray, value: np.ndarray) -> Paths:
        """The same paths with other counts (bootstrap resamples)."""
        return replace(self, conversions=conversions, nulls=nulls, value=value)


def _check_counts(frame: pl.DataFrame, columns: list[str]) -> None:
    for name in columns:
        column = frame[name]
        if column.null_count():
            raise InputError(f"column {name!r} has {column.null_count()} empty value(s)")
        if (column < 0).any():
            raise InputError(f"column {name!r} has negative values")


def paths_from_aggregated(
    frame: pl.DataFrame,
    *,
    path: str = "path",
    conversions: str = "total_conversions",
    value: str | None = "total_conversion_value",
    nulls: str | None = "total_null",
    sep: str = ">",
) -> Paths:
    """Read ChannelAttribution's aggregated-paths shape: one row per path with its counts.

    Channel names are stripped of surrounding spaces, so "a > b" and "a>b" are the same path.
    Missing value or null columns count as zero. Rows with the same path need not be merged:
    every model adds rows up, so they count together.
    """
    needed = [c for c in (path, conversions, value, nulls) if c is not None]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(map(repr, missing))}; found {frame.columns}"
        )
    counts = [c for c in (conversions, value, nulls) if c is not None]
    try:
        frame = frame.select(
            pl.col(path).cast(pl.String).alias("path"),
            *[pl.col(c).cast(pl.Float64) for c in counts],
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"count columns must be numbers: {exc}") from None
    _check_counts(frame, counts)
    if frame["path"].null_count():
        raise InputError(f"{frame['path'].null_count()} row(s) have an empty path")
    steps = frame["path"].str.split(sep)
    names, lookup, codes = _channel_codes(steps.explode())
    if "" in names:
        first = frame.filter(steps.list.eval(pl.element().str.strip_chars() == "").list.any())
        raise InputError(f"found an empty path or an empty step, first: {first['path'][0]!r}")
    lengths = steps.list.len().to_numpy()
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return Paths(
        channels=names,
        touches=lookup[codes.to_numpy()],
        offsets=offsets,
        conversions=frame[conversions].to_numpy(),
        nulls=frame[nulls].to_numpy() if nulls else np.zeros(len(frame)),
        value=frame[value].to_numpy() if value else np.zeros(len(frame)),
    )


def paths_from_code_lists(channels: tuple[str, ...], frame: pl.DataFrame) -> Paths:
    """Unique paths already grouped, each step a code into `channels`: columns `steps` (a list
    of codes), `conversions`, `nulls`, `value`, and optionally the MARKERS and `ages`."""
    if not len(frame):
        raise InputError("there are no journeys")
    lengths = frame["steps"].list.len().to_numpy()
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    markers = None
    if "lead" in frame.columns:
        markers = {m: frame[m].to_numpy().astype(np.int32) for m in MARKERS}
    ages = None
    if "ages" in frame.columns:
        ages = frame["ages"].explode().to_numpy().astype(np.float64)
    segments, segment_names = None, ()
    if "segment" in frame.columns:
        names, segments = np.unique(frame["segment"].to_numpy().astype(str), return_inverse=True)
        segment_names = tuple(names.tolist())
    return Paths(
        channels=channels,
        touches=frame["steps"].explode().to_numpy(),
        offsets=offsets,
        conversions=frame["conversions"].to_numpy().astype(np.float64),
        nulls=frame["nulls"].to_numpy().astype(np.float64),
        value=frame["value"].to_numpy().astype(np.float64),
        ages=ages,
        markers=markers,
        segments=None if segments is None else segments.astype(np.int32),
        segment_names=segment_names,
    )


#: Shown for a journey whose segment is not known, when others' are.
UNKNOWN_SEGMENT = "(unknown)"
TOUCHPOINT_COLUMNS = ("journey_id", "occurred_at", "channel", "converted", "value")


def paths_from_touchpoints(
    touchpoints: pl.DataFrame,
    *,
    with_ages: bool = False,
) -> Paths:
    """Group raw touchpoints into unique paths: the one O(touchpoints) step.

    Columns: `journey_id`, `occurred_at` (datetime or number), `channel`, `converted` (per
    journey: bool or 0/1, the same on each of its rows), `value` (per journey, the same on each
    of its rows). Optional per-journey columns `lead_at`, `opportunity_at`, `won_at` (same type
    as `occurred_at`) mark when each stage was reached; the touch credited with a stage is the
    journey's last touch at or before that moment (none if the stage came before every touch).
    An optional per-journey `segment` column (text) says what kind of buyer the journey is
    (the counterfactual model adjusts for it); an empty one is "(unknown)".

    With `with_ages`, each touch keeps its age in whole days before the journey's last touch
    (for time decay); journeys then share a row only when their ages match too.
    """
    missing = [c for c in TOUCHPOINT_COLUMNS if c not in touchpoints.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(map(repr, missing))}; found {touchpoints.columns}"
        )
    if not len(touchpoints):
        raise InputError("there are no touchpoints")
    for name in ("journey_id", "occurred_at", "channel"):
        if touchpoints[name].null_count():
            raise InputError(f"column {name!r} has {touchpoints[name].null_count()} empty value(s)")
    for name in ("converted", "value"):
        dtype = touchpoints.schema[name]
        if not (dtype.is_numeric() or dtype == pl.Boolean or dtype == pl.Null):
            raise InputError(f"column {name!r} must hold numbers, not {dtype}")
    if (touchpoints["value"] < 0).any():
        raise InputError("column 'value' has negative values")
    names, lookup, codes = _channel_codes(touchpoints["channel"])
    if "" in names:
        raise InputError("column 'channel' has empty values")
    has_markers = any(f"{m}_at" in touchpoints.columns for m in MARKERS)
    needed = ["journey_id", "occurred_at", "converted", "value"]
    needed += [f"{m}_at" for m in MARKERS if f"{m}_at" in touchpoints.columns]
    has_segment = "segment" in touchpoints.columns
    if has_segment:
        needed.append("segment")
    # Only the columns the grouping reads are sorted (not the channel names, nor anything else)
    frame = touchpoints.select(*needed, codes.alias("code")).sort("journey_id", "occurred_at")
    aggs = [
        pl.col("code").alias("steps"),
        pl.col("converted").max().cast(pl.Float64).fill_null(0.0).clip(0, 1).alias("conversions"),
        pl.col("value").max().cast(pl.Float64).fill_null(0.0).alias("value"),
    ]
    if has_segment:
        segment = pl.col("segment").first().cast(pl.String).fill_null(UNKNOWN_SEGMENT)
        aggs.append(segment.str.strip_chars().replace("", UNKNOWN_SEGMENT).alias("segment"))
    if has_markers:
        for m in MARKERS:
            if f"{m}_at" in frame.columns:
                reached = pl.col("occurred_at") <= pl.col(f"{m}_at").first()
                aggs.append((reached.sum().cast(pl.Int32) - 1).alias(m))
            else:
                aggs.append(pl.lit(-1, dtype=pl.Int32).alias(m))
    if with_ages:
        last = pl.col("occurred_at").last()
        age = last - pl.col("occurred_at")
        if frame.schema["occurred_at"].is_temporal():
            age = age.dt.total_days()
        aggs.append(age.cast(pl.Int64).alias("ages"))
    journeys = frame.group_by("journey_id").agg(aggs)
    journeys = journeys.with_columns(
        (1.0 - pl.col("conversions")).alias("nulls"),
        pl.col("value") * pl.col("conversions"),
    )
    keys = ["steps", *(MARKERS if has_markers else ()), *(["ages"] if with_ages else [])]
    keys += ["segment"] if has_segment else []
    unique = journeys.group_by(keys).agg(pl.col("conversions", "nulls", "value").sum())
    paths = paths_from_code_lists(names, unique)
    return replace(paths, touches=lookup[paths.touches])


def concat_paths(parts: Sequence[Paths]) -> Paths:
    """The paths of several parts of the journeys as one: rows are not merged (every model adds
    rows up), channel and segment codes are made those of the names of all the parts."""
    channels = tuple(sorted(set().union(*(p.channels for p in parts))))
    names = tuple(sorted(set().union(*(p.segment_names for p in parts))))
    lengths = np.concatenate([p.lengths for p in parts])
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])

    def joined(column: str) -> np.ndarray | None:
        values = [getattr(p, column) for p in parts]
        return None if any(v is None for v in values) else np.concatenate(values)

    markers = None
    if all(p.markers is not None for p in parts):
        markers = {m: np.concatenate([p.markers[m] for p in parts if p.markers]) for m in MARKERS}
    segments = None
    if all(p.segments is not None for p in parts):
        segments = np.concatenate(
            [_recoded(p.segments, p.segment_names, names) for p in parts if p.segments is not None]
        )
    return Paths(
        channels=channels,
        touches=np.concatenate([_recoded(p.touches, p.channels, channels) for p in parts]),
        offsets=offsets,
        conversions=np.concatenate([p.conversions for p in parts]),
        nulls=np.concatenate([p.nulls for p in parts]),
        value=np.concatenate([p.value for p in parts]),
        ages=joined("ages"),
        markers=markers,
        segments=segments,
        segment_names=names if segments is not None else (),
    )


def _recoded(codes: np.ndarray, names: tuple[str, ...], into: tuple[str, ...]) -> np.ndarray:
    table = np.searchsorted(into, names).astype(np.int32)
    recoded: np.ndarray = table[codes] if len(table) else codes.astype(np.int32)
    return recoded


def _channel_codes(column: pl.Series) -> tuple[tuple[str, ...], np.ndarray, pl.Series]:
    """Channel names in order, a table from the column's category codes to their name's rank,
    and the codes: grouping works on small integers, and each distinct name is looked at
    once (stripped of surrounding spaces, so " email" and "email" are one channel)."""
    if column.dtype == pl.String:
        column = column.cast(pl.Categorical)
    elif not isinstance(column.dtype, pl.Categorical | pl.Enum):
        raise InputError(f"column 'channel' must hold text, not {column.dtype}")
    distinct = column.unique()
    raw = distinct.cast(pl.String).str.strip_chars().to_numpy()
    names, rank = np.unique(raw, return_inverse=True)
    codes = distinct.to_physical().to_numpy().astype(np.int64)
    lookup = np.zeros(codes.max() + 1, dtype=np.int32)
    lookup[codes] = rank
    return tuple(names.tolist()), lookup, column.to_physical()
