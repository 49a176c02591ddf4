"""A lead definition suggested from history, ranked on held-out people beside the one in force.

The people are those who arrived in the last N months. A person converted when they reached
opportunity (or won). Each is seen as they stood when Sales took them over (their first step to
SQL or beyond, or their first opportunity), or now if Sales never did, so touches that came after
the handoff teach nothing. A stratified quarter of them is held out: the suggestion is fitted on
the rest, and both documents are ranked on the same held-out people.
"""

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.utils import timezone

from accord.agreement.backtest import MAX_MONTHS, REACHED, History
from accord.agreement.defaults import default_document
from accord.agreement.models import AgreementVersion
from accord.scoring import AgreementDocument

DEFAULT_MONTHS = 12
HELD_OUT = 0.25
MIN_CONVERTED = 8  # fewer converters than this in either part is too little to learn or judge


class NotEnoughHistory(Exception):
    """Too few people, or too few who converted, to fit and check a suggestion."""


@dataclass(frozen=True)
class SuggestedDefinition:
    document: AgreementDocument
    months: int
    trained_on: int
    trained_converted: int
    held_out: int
    held_out_converted: int
    auc: float
    in_force: int | None
    in_force_auc: float | None

    def summary(self) -> str:
        compared = (
            f"v{self.in_force} (in force) {self.in_force_auc:.3f}"
            if self.in_force is not None
            else "no version is in force to compare with"
        )
        return (
            f"Suggested from the last {self.months} months of history: fitted on "
            f"{self.trained_on} people ({self.trained_converted} became opportunities). "
            f"On {self.held_out} people held out ({self.held_out_converted} became "
            f"opportunities), how well the score ranks those who became opportunities above "
            f"the rest (AUC, 0.5 is chance, 1 is perfect): this draft {self.auc:.3f}, {compared}."
        )


def _people_and_cutoffs(history: History, as_of: dt.datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Everybody who arrived in the period, whether they converted, and when Sales took them."""
    arrived = history.created.filter(
        (pl.col("created_at") >= history.starts[0]) & (pl.col("created_at") < as_of)
    )
    reached = history.reached().select("person_id", "opportunity")
    handed = (
        history.changes.filter(pl.col("to_stage").is_in(REACHED["sql"]))
        .group_by("person_id")
        .agg(pl.col("changed_at").min().alias("handed"))
    )
    opened = (
        history.opportunities.filter(pl.col("person_id").is_not_null())
        .group_by("person_id")
        .agg(pl.col("created_date").min().cast(pl.Datetime("us", "UTC")).alias("opened"))
    )
    people = (
        history.people_at(as_of)
        .join(arrived.select("person_id"), on="person_id")
        .join(reached, on="person_id", how="left")
        .join(handed, on="person_id", how="left")
        .join(opened, on="person_id", how="left")
        .with_columns(
            pl.min_horizontal("handed", "opened").fill_null(pl.lit(as_of)).alias("cutoff"),
            pl.col("opportunity").fill_null(False),
        )
        .sort("person_id")
    )
    return people, people.select("person_id", "cutoff")


def suggest_from_history(
    in_force: AgreementVersion | None, months: int = DEFAULT_MONTHS, as_of=None
) -> SuggestedDefinition:
    """Fit a draft on history and rank held-out people with it and with the version in force."""
    # Imported here: the scorecard loads SciPy's optimiser (about 0.4 s), which rescoring and
    # every other command importing the agreement's services would otherwise pay at start-up.
    from accord.scoring.scorecard import holdout_split
    from accord.scoring.suggest import as_seen_before, ranking_auc, suggest_document

    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months: must be from 1 to {MAX_MONTHS}")
    as_of = (as_of or timezone.now()).astimezone(dt.UTC)
    history = History(months, as_of)
    people, cutoffs = _people_and_cutoffs(history, as_of)
    touches = as_seen_before(history.touches, cutoffs, as_of)
    outcome = people["opportunity"].to_numpy()
    held = holdout_split(outcome, HELD_OUT, seed=0)
    parts = {"train": ~held, "held": held}
    converted = {name: int(outcome[mask].sum()) for name, mask in parts.items()}
    if (
        min(converted.values()) < MIN_CONVERTED
        or min(int((~outcome[mask]).sum()) for mask in parts.values()) < MIN_CONVERTED
    ):
        raise NotEnoughHistory(
            f"The last {months} months hold {len(outcome)} new people, {int(outcome.sum())} of "
            f"whom became opportunities: too few to learn from and check on held-out people"
        )
    base = in_force.document if in_force else default_document()
    train, test = people.filter(pl.Series(~held)), people.filter(pl.Series(held))
    document = suggest_document(train, touches, outcome[~held], base, as_of)
    return SuggestedDefinition(
        document=document,
        months=months,
        trained_on=train.height,
        trained_converted=converted["train"],
        held_out=test.height,
        held_out_converted=converted["held"],
        auc=ranking_auc(document, test, touches, outcome[held], as_of),
        in_force=in_force.number if in_force else None,
        in_force_auc=(
            ranking_auc(in_force.document, test, touches, outcome[held], as_of)
            if in_force
            else None
        ),
    )
