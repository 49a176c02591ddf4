"""Attribution engine: journeys in as columns, credit per channel out.

Pure Python on Polars/NumPy/SciPy, with no Django, so the heavy step can move to another
engine. Build `Paths` with `paths_from_touchpoints` or `paths_from_aggregated`, then call a
model, or `attribute` with a model's name.
"""

from accord.attribution_names import AttributionModel

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
    AttributionModel.FIRST_TOUCH: first_touch,
    AttributionModel.LAST_TOUCH: last_touch,
    AttributionModel.LAST_NON_DIRECT: last_non_direct,
    AttributionModel.LINEAR: linear,
    AttributionModel.TIME_DECAY: time_decay,
    AttributionModel.POSITION_BASED: position_based,
    AttributionModel.W_SHAPED: w_shaped,
    AttributionModel.FULL_PATH: full_path,
}
#: The models that divide conversions along paths.
PATH_MODELS = [*RULES, AttributionModel.MARKOV, AttributionModel.SHAPLEY]
MODELS = [*PATH_MODELS, AttributionModel.COUNTERFACTUAL]
NEEDS_MARKERS = {AttributionModel.W_SHAPED, AttributionModel.FULL_PATH}
#: Models that fit the journeys, and so refuse too few of them.
FITTED = {AttributionModel.COUNTERFACTUAL}


def attribute(paths: Paths, model: str, *, order: int = 1, half_life: float = 7.0) -> Credit:
    """Run the model called `model` (one of MODELS)."""
    if model == AttributionModel.MARKOV:
        return markov(paths, order)
    if model == AttributionModel.SHAPLEY:
        return shapley(paths)
    if model == AttributionModel.COUNTERFACTUAL:
        return counterfactual(paths)
    if model == AttributionModel.TIME_DECAY:
        return time_decay(paths, half_life)
    if model in RULES:
        return RULES[AttributionModel(model)](paths)
    raise InputError(f"unknown model {model!r}; choose from {', '.join(MODELS)} or all")


__all__ = [
    "AttributionModel",
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
