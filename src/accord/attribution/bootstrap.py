"""Bootstrap confidence intervals over journeys for any model.

Each resample draws as many journeys as there are, with replacement, from the observed ones: on
unique paths that is one multinomial draw over (path, converted) and (path, not converted)
cells, so a resample costs O(unique paths) and then one run of the model.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from .paths import InputError, Paths
from .result import Credit


def with_intervals(
    paths: Paths,
    model: Callable[[Paths], Credit],
    *,
    resamples: int = 200,
    level: float = 0.95,
    seed: int = 0,
) -> Credit:
    """Run `model` on `paths` and attach percentile intervals from `resamples` resamples.

    The interval frame has `conversions_low`, `conversions_high`, `value_low` and `value_high`
    per channel. A converted journey keeps its path's mean value per conversion.
    """
    if resamples < 2:
        raise InputError("a bootstrap needs at least 2 resamples")
    if not 0 < level < 1:
        raise InputError("the confidence level must be between 0 and 1")
    result = model(paths)
    rng = np.random.default_rng(seed)
    counts = np.concatenate([paths.conversions, paths.nulls])
    total = int(round(counts.sum()))
    if total == 0:
        raise InputError("there are no journeys to resample")
    per_conversion = np.divide(
        paths.value, paths.conversions, out=np.zeros(paths.n_paths), where=paths.conversions > 0
    )
    draws = np.empty((resamples, 2, len(paths.channels)))
    for i in range(resamples):
        drawn = rng.multinomial(total, counts / counts.sum()).astype(np.float64)
        conversions, nulls = drawn[: paths.n_paths], drawn[paths.n_paths :]
        resampled = model(paths.reweighted(conversions, nulls, conversions * per_conversion))
        draws[i] = resampled.conversions, resampled.value
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail], axis=0)
    result.intervals = pl.DataFrame(
        {
            "channel_name": list(paths.channels),
            "conversions_low": low[0],
            "conversions_high": high[0],
            "value_low": low[1],
            "value_high": high[1],
        }
    )
    return result
