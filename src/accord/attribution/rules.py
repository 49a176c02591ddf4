"""Rule-based models: each gives every touch of a path a weight, the weights of a path sum to 1.

A journey's conversions and value are then split over its touches by those weights and added up
per channel. All work is on the flat touch columns of `Paths`, O(touches of unique paths).
"""

from __future__ import annotations

import numpy as np

from .paths import InputError, Paths
from .result import Credit

DIRECT = "direct"


def credit_by_weights(paths: Paths, model: str, weights: np.ndarray) -> Credit:
    """Split each path's conversions and value over its touches by `weights`."""
    path = paths.path_of_touch
    n = len(paths.channels)
    conversions = np.bincount(paths.touches, weights * paths.conversions[path], minlength=n)
    value = np.bincount(paths.touches, weights * paths.value[path], minlength=n)
    return Credit(model, paths.channels, conversions, value, weights=weights)


def _at(paths: Paths, index: np.ndarray) -> np.ndarray:
    weights = np.zeros(len(paths.touches))
    weights[index] = 1.0
    return weights


def first_touch(paths: Paths) -> Credit:
    """All credit to the journey's first touch."""
    return credit_by_weights(paths, "first_touch", _at(paths, paths.offsets[:-1]))


def last_touch(paths: Paths) -> Credit:
    """All credit to the journey's last touch."""
    return credit_by_weights(paths, "last_touch", _at(paths, paths.offsets[1:] - 1))


def last_non_direct(paths: Paths, direct: str = DIRECT) -> Credit:
    """All credit to the last touch whose channel is not `direct`; to the last touch when
    every touch of the journey was direct."""
    index = np.arange(len(paths.touches))
    if direct in paths.channels:
        index = np.where(paths.touches == paths.channels.index(direct), -1, index)
    last = np.maximum.reduceat(index, paths.offsets[:-1])
    last = np.where(last < 0, paths.offsets[1:] - 1, last)
    return credit_by_weights(paths, "last_non_direct", _at(paths, last))


def linear(paths: Paths) -> Credit:
    """Equal credit to every touch."""
    return credit_by_weights(paths, "linear", 1.0 / np.repeat(paths.lengths, paths.lengths))


def time_decay(paths: Paths, half_life: float = 7.0) -> Credit:
    """Credit halves for every `half_life` a touch lies before the journey's last touch.

    Ages are in days when the paths carry them (`paths_from_touchpoints(with_ages=True)`);
    otherwise a touch's age is its number of steps before the last touch, and `half_life` is
    counted in steps.
    """
    if half_life <= 0:
        raise InputError("the half-life must be positive")
    if paths.ages is not None:
        age = paths.ages
    else:
        age = np.repeat(paths.lengths, paths.lengths) - 1 - paths.position
    raw = np.exp2(-age / half_life)
    total = np.add.reduceat(raw, paths.offsets[:-1])
    return credit_by_weights(paths, "time_decay", raw / np.repeat(total, paths.lengths))


def position_based(paths: Paths, first: float = 0.4, last: float = 0.4) -> Credit:
    """U-shaped: `first` to the first touch, `last` to the last, the rest split over the touches
    between. A one-touch journey gives it everything; a two-touch journey splits in the ratio
    first:last (50/50 by default)."""
    n = np.repeat(paths.lengths, paths.lengths).astype(np.float64)
    pos = paths.position
    middle = (1.0 - first - last) / np.maximum(n - 2, 1)
    weights = np.where(pos == 0, first, np.where(pos == n - 1, last, middle))
    weights = np.where(n == 1, 1.0, weights)
    two = n == 2
    weights[two] = np.where(pos[two] == 0, first, last) / (first + last)
    return credit_by_weights(paths, "position_based", weights)


def _key_touches(paths: Paths, model: str, stages: tuple[str, ...], share: float) -> Credit:
    """Give `share` to the first touch and to the touch of each stage, and the remaining
    1 - share * (1 + len(stages)) split equally over the path's other touches.

    When positions coincide (the first touch also created the lead) their shares add up on
    that touch. When a stage was not reached in the journey, or no other touches are left for
    the remainder, the journey's weights are scaled up so they still sum to 1.
    """
    if paths.markers is None:
        raise InputError(
            f"{model} needs the touches at which the lead and opportunity were created "
            "(lead_at / opportunity_at columns, or the Accord database)"
        )
    starts = paths.offsets[:-1]
    raw = np.zeros(len(paths.touches))
    is_key = np.zeros(len(paths.touches), dtype=bool)
    np.add.at(raw, starts, share)
    is_key[starts] = True
    for stage in stages:
        at = paths.markers[stage]
        reached = at >= 0
        if (at >= paths.lengths).any():
            raise InputError(f"a {stage} marker points past the end of its path")
        np.add.at(raw, starts[reached] + at[reached], share)
        is_key[starts[reached] + at[reached]] = True
    rest = 1.0 - share * (1 + len(stages))
    others = np.add.reduceat((~is_key).astype(np.float64), starts)
    raw += np.where(is_key, 0.0, rest / np.maximum(np.repeat(others, paths.lengths), 1))
    total = np.add.reduceat(raw, starts)
    return credit_by_weights(paths, model, raw / np.repeat(total, paths.lengths))


def w_shaped(paths: Paths) -> Credit:
    """30% each to the first touch, the lead-creation touch and the opportunity-creation
    touch; 10% over the rest (see `_key_touches` for short paths and coinciding touches)."""
    return _key_touches(paths, "w_shaped", ("lead", "opportunity"), 0.30)


def full_path(paths: Paths) -> Credit:
    """22.5% each to the first, lead-creation, opportunity-creation and closed-won touches;
    10% over the rest (see `_key_touches` for short paths and coinciding touches)."""
    return _key_touches(paths, "full_path", ("lead", "opportunity", "won"), 0.225)
