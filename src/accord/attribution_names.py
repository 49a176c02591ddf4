"""The attribution models' names, importable without the engine: `accord.attribution` loads
Polars, NumPy and SciPy, which a process that only reads a reward plan need not pay for.
`accord.attribution` gives the same enum; the engine says which models take a path.
"""

import enum


class AttributionModel(enum.StrEnum):
    """The attribution models, by the names the command, the API and the pages take."""

    FIRST_TOUCH = "first_touch"
    LAST_TOUCH = "last_touch"
    LAST_NON_DIRECT = "last_non_direct"
    LINEAR = "linear"
    TIME_DECAY = "time_decay"
    POSITION_BASED = "position_based"
    W_SHAPED = "w_shaped"
    FULL_PATH = "full_path"
    MARKOV = "markov"
    SHAPLEY = "shapley"
    COUNTERFACTUAL = "counterfactual"
