"""Attribution engine: journeys in as columns, credit per channel out.

Pure Python on Polars/NumPy/SciPy, with no Django, so the heavy step can move to another
engine. Build `Paths` with `paths_from_touchpoints` or `paths_from_aggregated`, then call a
model, or `attribute` with a model's name.
"""

from .bootstrap import with_intervals
from .counterfactual import counterfactual, fit_journeys
from .files import read_paths, read_touchpoints
from .markov import markov
from .paths import InputError, Paths, paths_from_aggregated, paths_from_touchpoints
from .result import Credit
from .rules import (
    first_touch,
    full_path,
    last_non_direct,
    last_touch,
    linear,
    position_based,
    time_decay,
    w_shaped,
)
from .shapley import shapley

RULES = {
    "first_touch": first_touch,
    "last_touch": last_touch,
    "last_non_direct": last_non_direct,
    "linear": linear,
    "time_decay": time_decay,
    "position_based": position_based,
    "w_shaped": w_shaped,
    "full_path": full_path,
}
#: The models that divide conversions along paths.
PATH_MODELS = [*RULES, "markov", "shapley"]
MODELS = [*PATH_MODELS, "counterfactual"]
NEEDS_MARKERS = {"w_shaped", "full_path"}
#: Models that fit the journeys, and so refuse too few of them.
FITTED = {"counterfactual"}


def attribute(paths: Paths, model: str, *, order: int = 1, half_life: float = 7.0) -> Credit:
    """Run the model called `model` (one of MODELS)."""
    if model == "markov":
        return markov(paths, order)
    if model == "shapley":
        return shapley(paths)
    if model == "counterfactual":
        return counterfactual(paths)
    if model == "time_decay":
        return time_decay(paths, half_life)
    if model in RULES:
        return RULES[model](paths)
    raise InputError(f"unknown model {model!r}; choose from {', '.join(MODELS)} or all")


__all__ = [
    "FITTED",
    "MODELS",
    "NEEDS_MARKERS",
    "PATH_MODELS",
    "Credit",
    "InputError",
    "Paths",
    "attribute",
    "counterfactual",
    "fit_journeys",
    "markov",
    "paths_from_aggregated",
    "paths_from_touchpoints",
    "read_paths",
    "read_touchpoints",
    "shapley",
    "with_intervals",
    *RULES,
]
