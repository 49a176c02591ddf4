"""A scorecard fitted on history: a readable table of whole points that ranks who converts.

Columns in, a table out, no Django inside. Every column is cut into a few bins: one per value of a
text or yes/no column (rare values pooled as "other"), ordered ranges of a number column (each
holding at least `min_share` of the rows). A bin's points come from its weight of evidence (the log
of its converters' share over its non-converters' share) times a weight per column, the weights
fitted by L2-penalised logistic regression with the penalty chosen by cross-validated AUC on the
training rows only. Columns named in `per_unit` instead earn points per unit up to a cap (a
touch's worth of engagement), never negative. Points are log-odds scaled so that `DOUBLING`
points double the odds of converting, rounded to whole numbers.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.stats import rankdata

DOUBLING = 20
MISSING = "missing"
OTHER = "other"
PENALTIES = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)  # L2 strengths tried


@dataclass(frozen=True)
class Bin:
    """One row of the table: a column's value (or range of values) and its points.

    A text bin lists its `values`; a number bin covers `low` to `high` (both inclusive, None
    unbounded); the missing bin has neither; the "other" bin (`other=True`) takes text values too
    rare to stand alone, or never seen.
    """

    column: str
    points: int
    values: tuple[str, ...] | None = None
    low: float | None = None
    high: float | None = None
    other: bool = False
    missing: bool = False

    @property
    def label(self) -> str:
        if self.missing:
            return MISSING
        if self.other:
            return OTHER
        if self.values is not None:
            return ", ".join(str(v) for v in self.values)
        if self.low is None:
            return f"≤ {_number(self.high)}"
        if self.high is None:
            return f"≥ {_number(self.low)}"
        if self.low == self.high:
            return _number(self.low)
        return f"{_number(self.low)} to {_number(self.high)}"


@dataclass(frozen=True)
class PerUnit:
    """Points for each unit of a column (e.g. each touch), up to `cap` units."""

    column: str
    points: int
    cap: float


@dataclass(frozen=True)
class Scorecard:
    bins: tuple[Bin, ...]
    per_unit: tuple[PerUnit, ...]

    def rows(self) -> list[tuple[str, str, int]]:
        """(column, bin, points): the table as people read it."""
        rows = [(b.column, b.label, b.points) for b in self.bins]
        rows += [(u.column, f"each, up to {_number(u.cap)}", u.points) for u in self.per_unit]
        return rows

    def score(self, frame: pl.DataFrame) -> np.ndarray:
        total = np.zeros(frame.height, dtype=np.int64)
        for column in dict.fromkeys(b.column for b in self.bins):
            bins = [b for b in self.bins if b.column == column]
            total += _bin_points(frame[column], bins)
        for unit in self.per_unit:
            values = frame[unit.column].fill_null(0).cast(pl.Float64).to_numpy()
            total += np.rint(unit.points * np.minimum(values, unit.cap)).astype(np.int64)
        return total


def _number(value: float | None) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def auc(scores: ArrayLike, outcome: ArrayLike) -> float:
    """Area under the ROC curve: the chance a converter outranks a non-converter (ties half)."""
    score, converted = np.asarray(scores, dtype=float), np.asarray(outcome, dtype=bool)
    positives, negatives = int(converted.sum()), int((~converted).sum())
    if not positives or not negatives:
        raise ValueError("AUC needs both converters and non-converters")
    ranks = rankdata(score)
    return float(
        (ranks[converted].sum() - positives * (positives + 1) / 2) / (positives * negatives)
    )


def holdout_split(outcome: ArrayLike, share: float = 0.25, seed: int = 0) -> np.ndarray:
    """A stratified hold-out: True for the `share` of converters and of the rest held out."""
    outcome = np.asarray(outcome, dtype=bool)
    rng = np.random.default_rng(seed)
    held = np.zeros(len(outcome), dtype=bool)
    for group in (np.flatnonzero(outcome), np.flatnonzero(~outcome)):
        chosen = rng.permutation(group)[: round(len(group) * share)]
        held[chosen] = True
    return held


# Binning -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cut:
    """How a column is cut into bins; `index` maps the column to bin numbers."""

    column: str
    bins: tuple[Bin, ...]  # points 0 until fitted

    def index(self, series: pl.Series) -> np.ndarray:
        return _bin_index(series, self.bins)


def _is_text(series: pl.Series) -> bool:
    return series.dtype in (pl.String, pl.Boolean, pl.Categorical, pl.Enum)


def _text_cut(series: pl.Series, min_share: float) -> _Cut:
    values = series.drop_nulls()
    if series.dtype == pl.String:
        values = values.filter(values != "")
    counts = values.value_counts(sort=True)
    enough = counts.filter(pl.col("count") >= min_share * len(series))
    bins = [Bin(series.name, 0, values=(v,)) for v in enough[series.name].to_list()]
    return _Cut(
        series.name, (*bins, Bin(series.name, 0, other=True), Bin(series.name, 0, missing=True))
    )


def _number_cut(series: pl.Series, min_share: float, max_bins: int) -> _Cut:
    """Ranges of distinct values, merged from the smallest until each holds `min_share`."""
    values = series.drop_nulls().cast(pl.Float64)
    counts = values.value_counts().sort(series.name)
    edges = counts[series.name].to_list()  # each distinct value starts a range
    sizes = counts["count"].to_list()
    need = min_share * len(series)
    while len(edges) > 1 and (min(sizes) < need or len(edges) > max_bins):
        i = int(np.argmin(sizes))
        j = i - 1 if i == len(sizes) - 1 or (i > 0 and sizes[i - 1] <= sizes[i + 1]) else i
        sizes[j : j + 2] = [sizes[j] + sizes[j + 1]]
        del edges[j + 1]
    uppers = [_below(values, e) for e in edges[1:]] + [None]
    lowers = [None, *edges[1:]]
    bins = [Bin(series.name, 0, low=lo, high=hi) for lo, hi in zip(lowers, uppers, strict=True)]
    return _Cut(series.name, (*bins, Bin(series.name, 0, missing=True)))


def _below(values: pl.Series, edge: float) -> float:
    """The largest seen value under `edge`, so a range reads "3 to 5" rather than "3 to <6"."""
    largest = values.filter(values < edge).max()
    assert isinstance(largest, int | float), "an edge above the smallest value"
    return float(largest)


def _bin_index(series: pl.Series, bins: Sequence[Bin]) -> np.ndarray:
    index = np.full(len(series), -1)
    missing = series.is_null()
    if series.dtype == pl.String:
        missing = missing | (series == "")
    for i, b in enumerate(bins):
        if b.missing:
            hit = missing
        elif b.other:
            continue
        elif b.values is not None:
            hit = series.is_in(list(b.values)).fill_null(False)
        else:
            numbers = series.cast(pl.Float64)
            hit = pl.Series([True] * len(series))
            if b.low is not None:
                hit = hit & (numbers >= b.low).fill_null(False)
            if b.high is not None:
                hit = hit & (numbers <= b.high).fill_null(False)
            hit = hit & ~missing
        index = np.where((index < 0) & hit.to_numpy(), i, index)
    other = [i for i, b in enumerate(bins) if b.other]
    if other:
        index = np.where(index < 0, other[0], index)
    return index


def _bin_points(series: pl.Series, bins: Sequence[Bin]) -> np.ndarray:
    index = _bin_index(series, bins)
    points = np.array([b.points for b in bins] + [0])
    scored: np.ndarray = points[index]  # a value in no bin (-1) takes the trailing 0
    return scored


# Fitting -------------------------------------------------------------------------------------


def _woe(index: np.ndarray, outcome: np.ndarray, size: int) -> np.ndarray:
    """Weight of evidence per bin, smoothed towards 0 by one pseudo-row at the base rate."""
    converted = np.bincount(index, weights=outcome, minlength=size)
    rows = np.bincount(index, minlength=size).astype(float)
    rate = outcome.mean()
    positives, negatives = outcome.sum(), len(outcome) - outcome.sum()
    good = (converted + rate) / (positives + 1)
    bad = (rows - converted + 1 - rate) / (negatives + 1)
    woe: np.ndarray = np.log(good / bad)
    return woe


def _fit_logistic(
    design: np.ndarray, outcome: np.ndarray, penalty: float, nonneg: int
) -> tuple[np.ndarray, float]:
    """Weights and intercept of L2-penalised logistic regression; the last `nonneg` weights ≥ 0."""
    columns = design.shape[1]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = design @ params[1:] + params[0]
        gradient = 1 / (1 + np.exp(-z)) - outcome
        value = (np.logaddexp(0, z) - outcome * z).sum() + 0.5 * penalty * params[1:] @ params[1:]
        return value, np.r_[gradient.sum(), design.T @ gradient + penalty * params[1:]]

    bounds = [(None, None)] * (1 + columns - nonneg) + [(0, None)] * nonneg
    result = minimize(loss, np.zeros(columns + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x[1:], float(result.x[0])


@dataclass
class _Design:
    cuts: list[_Cut]
    per_unit: dict[str, float]

    def woe_tables(self, frame: pl.DataFrame, outcome: np.ndarray) -> list[np.ndarray]:
        return [_woe(cut.index(frame[cut.column]), outcome, len(cut.bins)) for cut in self.cuts]

    def matrix(self, frame: pl.DataFrame, tables: list[np.ndarray]) -> np.ndarray:
        columns = [
            table[cut.index(frame[cut.column])]
            for cut, table in zip(self.cuts, tables, strict=True)
        ]
        columns += [
            np.minimum(frame[name].fill_null(0).cast(pl.Float64).to_numpy(), cap)
            for name, cap in self.per_unit.items()
        ]
        return np.column_stack(columns) if columns else np.zeros((frame.height, 0))


def _cross_validated_penalty(
    design: _Design, frame: pl.DataFrame, outcome: np.ndarray, folds: int, seed: int
) -> float:
    rng = np.random.default_rng(seed)
    fold = np.empty(len(outcome), dtype=int)
    for group in (np.flatnonzero(outcome), np.flatnonzero(~outcome.astype(bool))):
        fold[rng.permutation(group)] = np.arange(len(group)) % folds
    results: dict[float, list[float]] = {penalty: [] for penalty in PENALTIES}
    for k in range(folds):
        train, test = frame.filter(pl.Series(fold != k)), frame.filter(pl.Series(fold == k))
        tables = design.woe_tables(train, outcome[fold != k])
        x_train, x_test = design.matrix(train, tables), design.matrix(test, tables)
        for penalty in PENALTIES:
            weights, _ = _fit_logistic(x_train, outcome[fold != k], penalty, len(design.per_unit))
            results[penalty].append(auc(x_test @ weights, outcome[fold == k]))
    return max(PENALTIES, key=lambda p: (np.mean(results[p]), p))


def fit_scorecard(
    frame: pl.DataFrame,
    outcome: ArrayLike,
    *,
    per_unit: Mapping[str, float] | None = None,
    min_share: float = 0.02,
    max_bins: int = 10,
    folds: int = 5,
    seed: int = 0,
) -> Scorecard:
    """Fit the table of points on `frame`'s columns to rank who has `outcome` (True/False).

    `per_unit` names the columns scored per unit, with their caps in units.
    """
    outcome = np.asarray(outcome, dtype=float)
    if len(outcome) != frame.height:
        raise ValueError("one outcome per row is needed")
    auc(np.zeros(len(outcome)), outcome)  # refuses an outcome without both kinds of row
    per_unit = dict(per_unit or {})
    cuts = [
        _text_cut(frame[name], min_share)
        if _is_text(frame[name])
        else _number_cut(frame[name], min_share, max_bins)
        for name in frame.columns
        if name not in per_unit
    ]
    design = _Design(cuts, per_unit)
    penalty = _cross_validated_penalty(design, frame, outcome, folds, seed)
    tables = design.woe_tables(frame, outcome)
    weights, _ = _fit_logistic(design.matrix(frame, tables), outcome, penalty, len(per_unit))
    scale = DOUBLING / math.log(2)
    bins = []
    for cut, table, weight in zip(cuts, tables, weights, strict=False):
        points = np.rint(scale * weight * table).astype(int)
        bins += [
            Bin(**{**b.__dict__, "points": int(p)}) for b, p in zip(cut.bins, points, strict=True)
        ]
    units = [
        PerUnit(name, int(round(scale * w)), cap)
        for (name, cap), w in zip(per_unit.items(), weights[len(cuts) :], strict=True)
    ]
    return Scorecard(tuple(bins), tuple(u for u in units if u.points > 0))
