from typing import TextIO

import polars as pl
from django.core.management.base import BaseCommand, CommandError

from accord import attribution as engine
from accord import csvsafe
from accord.credit.selectors import BY, CONVERSIONS, JOURNEYS, journey_touchpoints


class Command(BaseCommand):
    help = (
        "Credit conversions and value to channels or campaigns with rule-based, Markov and "
        "Shapley models, from the Accord database or from a paths or touchpoints file."
    )

    def add_arguments(self, parser):
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
            "converted, value [, lead_at, opportunity_at, won_at]",
        )
        parser.add_argument("--model", default="all", help=f"{'|'.join(engine.MODELS)}|all")
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

    def handle(self, *args, **options):
        models = self._models(options["model"])
        try:
            paths = self._paths(options, with_ages="time_decay" in models)
            credits = [self._run(paths, model, options) for model in self._usable(paths, models)]
        except (engine.InputError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        result = pl.concat([_with_removal_effects(c) for c in credits], how="diagonal_relaxed")
        if options["transition_matrix"]:
            self._write(_transition_matrices(credits), options["transition_matrix"])
        if options["out"]:
            self._write(result, options["out"])
        else:
            _write_csv(result, self.stdout)

    def _write(self, frame: pl.DataFrame, path: str) -> None:
        try:
            with open(path, "w", newline="", encoding="utf-8") as handle:
                _write_csv(frame, handle)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc}") from None
        self.stdout.write(f"Wrote {len(frame)} rows to {path}")

    def _models(self, name: str) -> list[str]:
        if name == "all":
            return list(engine.MODELS)
        if name not in engine.MODELS:
            raise CommandError(
                f"unknown model {name!r}; choose from {', '.join(engine.MODELS)} or all"
            )
        return [name]

    def _paths(self, options, *, with_ages: bool) -> engine.Paths:
        if options["paths"]:
            return engine.read_paths(options["paths"], sep=options["sep"])
        if options["touchpoints"]:
            return engine.read_touchpoints(options["touchpoints"], with_ages=with_ages)
        frame = journey_touchpoints(
            by=options["by"],
            conversion=options["conversion"],
            lookback_days=options["lookback_days"],
            journey=options["journey"],
        )
        if not len(frame):
            raise engine.InputError("the database has no touchpoints in the lookback window")
        return engine.paths_from_touchpoints(frame, with_ages=with_ages)

    def _usable(self, paths: engine.Paths, models: list[str]) -> list[str]:
        if paths.markers is not None:
            return models
        skipped = [m for m in models if m in engine.NEEDS_MARKERS]
        if skipped == models:
            engine.w_shaped(paths)  # raises, naming the columns it needs
        if skipped:
            self.stderr.write(f"skipped {', '.join(skipped)}: the input has no stage markers")
        return [m for m in models if m not in engine.NEEDS_MARKERS]

    def _run(self, paths, model, options):
        def run(p):
            return engine.attribute(
                p, model, order=options["order"], half_life=options["half_life"]
            )

        if options["bootstrap"]:
            credit = engine.with_intervals(
                paths, run, resamples=options["bootstrap"], seed=options["seed"]
            )
        else:
            credit = run(paths)
        return credit


def _write_csv(frame: pl.DataFrame, handle: TextIO) -> None:
    """A channel or campaign is named by whoever made it: a name like `=HYPERLINK(...)` is
    written as text, never as a formula."""
    writer = csvsafe.writer(handle)
    writer.writerow(frame.columns)
    writer.writerows(frame.iter_rows())


def _with_removal_effects(credit: engine.Credit) -> pl.DataFrame:
    """A Markov model's rows carry each channel's removal effect beside its credit."""
    frame = credit.to_frame()
    effects = credit.details.get("removal_effects")
    return frame if effects is None else frame.join(effects, on="channel_name", how="left")


def _transition_matrices(credits: list[engine.Credit]) -> pl.DataFrame:
    matrices = [
        c.details["transition_matrix"].select(pl.lit(c.model).alias("model"), pl.all())
        for c in credits
        if "transition_matrix" in c.details
    ]
    if not matrices:
        raise CommandError("--transition-matrix needs a Markov model (--model markov or all)")
    return pl.concat(matrices)
