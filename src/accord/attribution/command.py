"""`accord attribution`: its options and the report every source shares.

A file (`--paths`, `--touchpoints`) needs no database, so `accord attribution` reads one in a
process without Django (`run_on_file`); only the database source boots Django, through the
management command, which takes the same options and writes the same report.
"""

from __future__ import annotations

import argparse
import enum
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

import polars as pl

from accord import csvsafe

from . import FITTED, MODELS, NEEDS_MARKERS, AttributionModel, attribute, with_intervals
from .counterfactual import counterfactual, fit_journeys
from .engines import Engine, Touches, read_unique_paths
from .files import read_paths
from .paths import InputError, Paths
from .result import Credit
from .rules import w_shaped


class JourneyKind(enum.StrEnum):
    """Whose touches make a journey: a person's, or (B2B) those of every person of an account."""

    PERSON = "person"
    ACCOUNT = "account"


# The database source's choices; the journeys app reads them from here.
CONVERSIONS = ("opportunity_created", "won")
BY = ("channel", "campaign")
JOURNEYS = tuple(JourneyKind)
FILE_OPTIONS = ("--paths", "--touchpoints")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Every option of `accord attribution`, for both the file and the database source."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--paths",
        metavar="FILE",
        help="aggregated paths (CSV or Parquet): path, total_conversions, "
        "total_conversion_value, total_null",
    )
    source.add_argument(
        "--touchpoints",
        metavar="FILE",
        help="raw touchpoints (CSV or Parquet): journey_id, occurred_at, channel, "
        "converted, value [, lead_at, opportunity_at, won_at, segment]",
    )
    parser.add_argument(
        "--engine",
        choices=list(Engine),
        default=Engine.POLARS,
        help="where --touchpoints are grouped into unique paths: polars (in this process), "
        "duckdb (Parquet larger than memory) or spark (a table, Parquet or Delta on a cluster)",
    )
    parser.add_argument(
        "--memory-limit",
        metavar="SIZE",
        help="duckdb: the most memory the grouping may take, e.g. 4GB (by default 8x the "
        "input's size on disk, at least 1GB); past it, it spills to a temporary folder",
    )
    parser.add_argument(
        "--spark-remote",
        metavar="sc://HOST",
        help="spark: a Spark Connect server (Databricks and others); by default a local Spark",
    )
    parser.add_argument("--model", default="all", help=f"{'|'.join(MODELS)}|all")
    parser.add_argument("--order", type=int, default=1, help="Markov order, 1 to 4")
    parser.add_argument("--half-life", type=float, default=7.0, help="time decay, in days")
    parser.add_argument("--sep", default=">", help="channel separator in --paths")
    parser.add_argument("--by", choices=BY, default="channel", help="database only")
    parser.add_argument(
        "--journey",
        choices=JOURNEYS,
        default="person",
        help="database only: a person's touches, or those of all people of an account",
    )
    parser.add_argument("--conversion", choices=CONVERSIONS, default="opportunity_created")
    parser.add_argument("--lookback-days", type=int, default=90)
    parser.add_argument(
        "--bootstrap", type=int, default=0, metavar="N", help="N resamples for 95%% intervals"
    )
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    parser.add_argument("--out", metavar="FILE.csv", help="write the credits here")
    parser.add_argument(
        "--transition-matrix",
        metavar="FILE.csv",
        help="write each Markov model's transition probabilities here",
    )


def reads_a_file(argv: Sequence[str]) -> bool:
    """Whether these arguments name a file source (and so need no database)."""
    return any(arg.split("=", 1)[0] in FILE_OPTIONS for arg in argv)


@dataclass(frozen=True)
class Models:
    """Which models to run and how."""

    names: list[str]
    order: int = 1
    half_life: float = 7.0
    bootstrap: int = 0
    seed: int = 0

    @classmethod
    def named(
        cls, name: str, *, order: int = 1, half_life: float = 7.0, bootstrap: int = 0, seed: int = 0
    ) -> Models:
        """`name` is a model's name or "all"; an unknown one is refused, naming the choices."""
        if name != "all" and name not in MODELS:
            raise InputError(f"unknown model {name!r}; choose from {', '.join(MODELS)} or all")
        names: list[str] = list(MODELS) if name == "all" else [name]
        return cls(names, order, half_life, bootstrap, seed)

    def needs_ages(self) -> bool:
        return (
            AttributionModel.TIME_DECAY in self.names
            or AttributionModel.COUNTERFACTUAL in self.names
        )


@dataclass(frozen=True)
class Report:
    """The credits of each model run, the models skipped for want of stage markers, and what
    the reader should know beside the figures (how well a fitted model fits, or why it was
    left out)."""

    credits: list[Credit]
    skipped: list[str]
    notes: list[str]

    def table(self) -> pl.DataFrame:
        """A row per model and channel; a Markov model's rows carry each removal effect."""
        return pl.concat([_with_removal_effects(c) for c in self.credits], how="diagonal_relaxed")

    def transition_matrices(self) -> pl.DataFrame:
        matrices = [
            c.details["transition_matrix"].select(pl.lit(c.model).alias("model"), pl.all())
            for c in self.credits
            if "transition_matrix" in c.details
        ]
        if not matrices:
            raise InputError("--transition-matrix needs a Markov model (--model markov or all)")
        return pl.concat(matrices)


def run_models(paths: Paths, models: Models) -> Report:
    """Run each model on the paths (with bootstrap intervals when asked)."""
    skipped = [] if paths.markers is not None else [m for m in models.names if m in NEEDS_MARKERS]
    if skipped and skipped == models.names:
        w_shaped(paths)  # raises, naming the columns it needs
    usable = [m for m in models.names if m not in skipped]
    credits, notes = [], []
    for model in usable:
        try:
            credit = _run(paths, model, models)
        except InputError as exc:
            if model not in FITTED or len(usable) == 1:
                raise
            notes.append(f"left out {model}: {exc}")
            continue
        credits.append(credit)
        if "fit" in credit.details:
            notes.append(fit_note(credit))
    return Report(credits, skipped, notes)


def fit_note(credit: Credit) -> str:
    """How well a fitted model fits, and the conversions it expects with no touch at all."""
    fit = credit.details["fit"].row(0, named=True)
    return (
        f"{credit.model}: {fit['learner']}; on held-out journeys AUC {fit['held_out_auc']:.3f}, "
        f"calibration off by {fit['calibration_error'] * 100:.2f} points on average "
        f"(observed/expected {fit['observed_over_expected']:.3f}); "
        f"{fit['baseline_conversions']:.1f} conversions expected with no touch at all"
    )


def _run(paths: Paths, model: str, models: Models) -> Credit:
    if model == AttributionModel.COUNTERFACTUAL:
        fitted = fit_journeys(paths, seed=models.seed)

        def run(p: Paths) -> Credit:
            return counterfactual(p, fitted)

    else:

        def run(p: Paths) -> Credit:
            return attribute(p, model, order=models.order, half_life=models.half_life)

    if models.bootstrap:
        return with_intervals(paths, run, resamples=models.bootstrap, seed=models.seed)
    return run(paths)


def write(report: Report, out: str | None, matrix: str | None, stdout: TextIO) -> None:
    """The credits to `out` (or `stdout`), the transition matrices to `matrix` when named."""
    if matrix:
        _write_file(report.transition_matrices(), matrix, stdout)
    if out:
        _write_file(report.table(), out, stdout)
    else:
        write_csv(report.table(), stdout)


def write_csv(frame: pl.DataFrame, handle: TextIO) -> None:
    """A channel or campaign is named by whoever made it: a name like `=HYPERLINK(...)` is
    written as text, never as a formula."""
    writer = csvsafe.writer(handle)
    writer.writerow(frame.columns)
    writer.writerows(frame.iter_rows())


def _write_file(frame: pl.DataFrame, path: str, stdout: TextIO) -> None:
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            write_csv(frame, handle)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc}") from None
    stdout.write(f"Wrote {len(frame)} rows to {path}\n")


def _with_removal_effects(credit: Credit) -> pl.DataFrame:
    frame = credit.to_frame()
    effects = credit.details.get("removal_effects")
    return frame if effects is None else frame.join(effects, on="channel_name", how="left")


def read_file(
    paths: str | None,
    touchpoints: str | None,
    *,
    sep: str,
    models: Models,
    engine: str = Engine.POLARS,
    memory_limit: str | None = None,
    spark_remote: str | None = None,
) -> Paths:
    """The journeys of a `--paths` file, or of `--touchpoints` grouped by the chosen engine."""
    if engine != Engine.POLARS and not touchpoints:
        raise InputError(f"--engine {engine} groups raw touches: name them with --touchpoints")
    if paths:
        return read_paths(paths, sep=sep)
    if touchpoints:
        source = Touches(
            touchpoints, Engine(engine), models.needs_ages(), memory_limit, spark_remote
        )
        return read_unique_paths(source)
    raise InputError("name a file with --paths or --touchpoints")


def run_on_file(
    argv: Sequence[str],
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """`accord attribution --paths|--touchpoints FILE ...` without Django; the exit status."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    parser = argparse.ArgumentParser(prog="accord attribution")
    add_arguments(parser)
    options = parser.parse_args(list(argv))
    try:
        models = Models.named(
            options.model,
            order=options.order,
            half_life=options.half_life,
            bootstrap=options.bootstrap,
            seed=options.seed,
        )
        paths = read_file(
            options.paths,
            options.touchpoints,
            sep=options.sep,
            models=models,
            engine=options.engine,
            memory_limit=options.memory_limit,
            spark_remote=options.spark_remote,
        )
        report = run_models(paths, models)
        if report.skipped:
            stderr.write(f"skipped {', '.join(report.skipped)}: the input has no stage markers\n")
        for note in report.notes:
            stderr.write(f"{note}\n")
        write(report, options.out, options.transition_matrix, stdout)
    except (InputError, ValueError) as exc:
        stderr.write(f"accord attribution: {exc}\n")
        return 1
    return 0
