"""Counterfactual attribution: the conversions each channel's touches actually caused.

A learner fitted on the journeys (`learner.py`, features in `features.py`) gives the chance that
any journey converts. A channel's removal effect is the drop in expected conversions when its
touches are taken out of every journey. Removal effects add up to the conversions the touches
caused only when channels act independently; what is left over (or double counted, when
channels need each other) is split by each channel's Shapley value on the fitted model, so the
credits add up to the observed conversions less those expected with no touch at all (the
`baseline`, reported beside them). Value is credited the same way, each journey worth its
path's value per conversion (the mean of all conversions where the path has none).

Each journey is its own game over the channels it touched: the model is evaluated on every
subset of them, which gives its removal effects and its exact Shapley values at once; a
channel a journey never touched is a null player there. Summed over journeys, these are the
removal effects and Shapley values of the whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np
import polars as pl

from .features import Design, Touches
from .learner import Check, Learner, choose, fit
from .paths import InputError, Paths
from .result import Credit

#: Fewer converted (or unconverted) journeys than this are too few to fit.
MIN_OUTCOMES = 100
#: Shapley values are exact over the channels of each journey up to this many; beyond, each
#: journey's are estimated from random orders of its channels.
EXACT_SHAPLEY_CHANNELS = 12
#: Random orders of a journey's channels that estimate its Shapley values beyond the exact.
SHAPLEY_ORDERS = 200
#: A journey's channels are the bits of one 64-bit mask.
MAX_CHANNELS_PER_JOURNEY = 62
#: Pairs of channels the interaction design may add, the most often seen together first.
MAX_PAIRS = 45
#: Touches evaluated at once when journeys' channel subsets are scored.
CHUNK_TOUCHES = 4_000_000
#: Distinct paths whose every channel subset is scored for the Shapley values.
SHAPLEY_SAMPLE = 20_000


def _touches(paths: Paths) -> Touches:
    segment = paths.segments if paths.segments is not None else np.full(paths.n_paths, -1)
    return Touches(
        paths.touches,
        paths.path_of_touch,
        segment,
        len(paths.channels),
        len(paths.segment_names),
        paths.ages,
    )


def _channel_sets(paths: Paths) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each path's distinct channels: (channel per pair, first pair of each path, count per
    path, each touch's index among its path's channels)."""
    n = len(paths.channels)
    keys = paths.path_of_touch.astype(np.int64) * n + paths.touches
    pairs, local = np.unique(keys, return_inverse=True)
    per_path = np.bincount(pairs // n, minlength=paths.n_paths)
    first = np.cumsum(per_path) - per_path
    return pairs % n, first, per_path, local - first[paths.path_of_touch]


def designs(paths: Paths) -> list[Design]:
    """The candidates: which channels were touched; main effects (how often, how recently,
    first and last too); with the channels most often touched together; and with each
    channel's effect allowed to differ by segment, when segments are known."""
    channel, first, per_path, _ = _channel_sets(paths)
    journeys = paths.conversions + paths.nulls
    n = len(paths.channels)
    owner = np.repeat(np.arange(paths.n_paths), per_path)
    # pairs within a path: every two of its distinct channels
    together = np.zeros((n, n))
    for offset in range(1, int(per_path.max(initial=1))):
        has = np.flatnonzero(np.arange(len(channel)) + offset < first[owner] + per_path[owner])
        np.add.at(together, (channel[has], channel[has + offset]), journeys[owner[has]])
    a, b = np.nonzero(np.triu(together, 1))
    ranked = np.argsort(-together[a, b], kind="stable")[:MAX_PAIRS]
    pairs = np.column_stack([a[ranked], b[ranked]])
    none = np.zeros((0, 2), dtype=np.int64)
    found = [
        Design("channels touched", none, False, detailed=False),
        Design("main effects", none, False),
        Design("channels together", pairs, False),
    ]
    if len(paths.segment_names) > 1:
        found.append(Design("channels together, by segment", pairs, True))
    return found


@dataclass(frozen=True)
class Games:
    """Per channel (rows) and worth (columns), summed over journeys: removal effects, Shapley
    values, and the expected worth with every touch and with none."""

    removal: np.ndarray
    shapley: np.ndarray
    full: np.ndarray
    baseline: np.ndarray


def _shapley_weights(k: int) -> np.ndarray:
    """w[s] = s! (k - s - 1)! / k!: the weight of a coalition of s others in a k-player game."""
    return np.array([factorial(s) * factorial(k - s - 1) / factorial(k) for s in range(k)])


def play(paths: Paths, learner: Learner, worth: np.ndarray, seed: int = 0) -> Games:
    """Every journey's game over its channels, each path counting `worth` (paths x worths).

    Removal effects are exact. Shapley values, which only split what removal effects leave
    over, are exact over all paths up to SHAPLEY_SAMPLE distinct paths; beyond, they are
    estimated without bias from that many paths drawn in proportion to their journeys. A
    journey of more than EXACT_SHAPLEY_CHANNELS channels has its Shapley values estimated from
    SHAPLEY_ORDERS random orders of them (`_sampled_shapley`).
    """
    channel, first, per_path, local = _channel_sets(paths)
    if per_path.max() > MAX_CHANNELS_PER_JOURNEY:
        raise InputError(
            f"a journey touches {per_path.max()} different channels; the counterfactual model "
            f"takes at most {MAX_CHANNELS_PER_JOURNEY} (attribute by channel, not by campaign)"
        )
    n, kinds = len(paths.channels), worth.shape[1]
    # removal: per path, all its channels, none, and all but each one
    every = (1 << per_path) - 1
    size = per_path + 2
    path = np.repeat(np.arange(paths.n_paths), size)
    slot = np.arange(len(path)) - np.repeat(np.cumsum(size) - size, size)
    left_out = np.clip(slot - 2, 0, None)
    mask = np.where(slot == 0, every[path], np.where(slot == 1, 0, every[path] ^ (1 << left_out)))
    chance = _chances(paths, learner, local, path, mask)
    row = np.cumsum(size) - size
    full = chance[row] @ worth
    baseline = chance[row + 1] @ worth
    drop = chance[row][path] - chance
    removed = slot >= 2
    pair = channel[first[path[removed]] + left_out[removed]]
    removal = np.zeros((n, kinds))
    for j in range(kinds):
        removal[:, j] = np.bincount(pair, drop[removed] * worth[path[removed], j], minlength=n)
    sets = (channel, first, per_path, local)
    return Games(removal, _shapley(paths, learner, worth, sets, seed), full, baseline)


def _shapley(
    paths: Paths,
    learner: Learner,
    worth: np.ndarray,
    sets: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    seed: int,
) -> np.ndarray:
    channel, first, per_path, local = sets
    n, kinds = len(paths.channels), worth.shape[1]
    journeys = paths.conversions + paths.nulls
    if paths.n_paths <= SHAPLEY_SAMPLE:
        chosen, scale = np.arange(paths.n_paths), np.ones(paths.n_paths)
    else:
        rng = np.random.default_rng(seed)
        chosen = rng.choice(paths.n_paths, SHAPLEY_SAMPLE, p=journeys / journeys.sum())
        scale = journeys.sum() / SHAPLEY_SAMPLE / journeys[chosen]
    shapley = np.zeros((n, kinds))
    k = per_path[chosen]
    exact = k <= EXACT_SHAPLEY_CHANNELS
    if not exact.all():
        shapley += _sampled_shapley(
            paths, learner, worth, sets, chosen[~exact], scale[~exact], seed
        )
    chosen, scale, k = chosen[exact], scale[exact], k[exact]
    if not len(chosen):
        return shapley
    subsets = 1 << k
    path = np.repeat(chosen, subsets)
    mask = np.arange(len(path)) - np.repeat(np.cumsum(subsets) - subsets, subsets)
    chance = _chances(paths, learner, local, path, mask)
    row = np.cumsum(subsets) - subsets
    for players in np.unique(k):
        weights = _shapley_weights(int(players))
        these = np.flatnonzero(k == players)
        masks = np.arange(1 << players)
        sizes = np.array([m.bit_count() for m in masks.tolist()])
        for i in range(players):
            without_i = masks[((masks >> i) & 1) == 0]
            start = row[these][:, None] + without_i
            share = (chance[start + (1 << i)] - chance[start]) @ weights[sizes[without_i]]
            share *= scale[these]
            owner = channel[first[chosen[these]] + i]
            for j in range(kinds):
                shapley[:, j] += np.bincount(owner, share * worth[chosen[these], j], minlength=n)
    return shapley


def _sampled_shapley(
    paths: Paths,
    learner: Learner,
    worth: np.ndarray,
    sets: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    chosen: np.ndarray,
    scale: np.ndarray,
    seed: int,
) -> np.ndarray:
    """Shapley values of journeys with too many channels for every subset: each channel's mean
    marginal contribution over SHAPLEY_ORDERS random orders of the journey's channels (an
    unbiased estimate). Each order's contributions add up to the journey's whole, so the
    estimates do too, exactly. `sets` is the paths' `_channel_sets`."""
    channel, first, per_path, local = sets
    rng = np.random.default_rng([seed, 1])
    n, kinds = len(paths.channels), worth.shape[1]
    shapley = np.zeros((n, kinds))
    k = per_path[chosen]
    for players in np.unique(k):
        these = np.flatnonzero(k == players)
        games = np.repeat(these, SHAPLEY_ORDERS)
        order = rng.permuted(np.tile(np.arange(players), (len(games), 1)), axis=1)
        # each order's growing coalitions: none, the first channel, the first two, ... all
        grown = np.cumsum(np.left_shift(1, order, dtype=np.int64), axis=1)
        masks = np.hstack([np.zeros((len(games), 1), dtype=np.int64), grown])
        path = np.repeat(chosen[games], players + 1)
        chance = _chances(paths, learner, local, path, masks.ravel()).reshape(masks.shape)
        share = np.diff(chance, axis=1) * (scale[games] / SHAPLEY_ORDERS)[:, None]
        owner = channel[first[chosen[games]][:, None] + order]
        for j in range(kinds):
            weights = share * worth[chosen[games], j][:, None]
            shapley[:, j] += np.bincount(owner.ravel(), weights.ravel(), minlength=n)
    return shapley


def _chances(
    paths: Paths, learner: Learner, local: np.ndarray, path: np.ndarray, mask: np.ndarray
) -> np.ndarray:
    """The model's chance of conversion of each `path` keeping only the channels in its `mask`
    (a bit per channel of the path, in the order of `_channel_sets`)."""
    out = np.empty(len(path))
    cost = np.cumsum(paths.lengths[path])
    cuts = np.searchsorted(cost, np.arange(CHUNK_TOUCHES, cost[-1], CHUNK_TOUCHES))
    for lo, hi in zip(
        np.concatenate([[0], cuts]), np.concatenate([cuts, [len(path)]]), strict=True
    ):
        game_path, game_mask = path[lo:hi], mask[lo:hi]
        lengths = paths.lengths[game_path]
        touch_game = np.repeat(np.arange(len(game_path)), lengths)
        starts = np.cumsum(lengths) - lengths
        offset = paths.offsets[game_path][touch_game]
        touch = np.arange(len(touch_game)) - starts[touch_game] + offset
        kept = ((game_mask[touch_game] >> local[touch]) & 1).astype(bool)
        segment = paths.segments if paths.segments is not None else np.full(paths.n_paths, -1)
        games = Touches(
            paths.touches[touch[kept]],
            touch_game[kept],
            segment[game_path],
            len(paths.channels),
            len(paths.segment_names),
            None if paths.ages is None else paths.ages[touch[kept]],
        )
        out[lo:hi] = learner.predict(games)
    return out


@dataclass(frozen=True)
class Fitted:
    """A learner chosen for some journeys, to refit on resamples of them."""

    design: Design
    check: Check
    learner: Learner


def fit_journeys(paths: Paths, seed: int = 0) -> Fitted:
    """Choose the design by held-out log loss and fit it on all the journeys; refuse when there
    are too few converted or unconverted journeys to tell."""
    converted, not_converted = paths.conversions.sum(), paths.nulls.sum()
    if min(converted, not_converted) < MIN_OUTCOMES:
        raise InputError(
            f"the counterfactual model needs at least {MIN_OUTCOMES} converted and "
            f"{MIN_OUTCOMES} unconverted journeys; found {converted:.0f} and {not_converted:.0f}"
        )
    touches = _touches(paths)
    design, check = choose(designs(paths), touches, paths.conversions, paths.nulls, seed)
    return Fitted(design, check, fit(design, touches, paths.conversions, paths.nulls))


def counterfactual(paths: Paths, fitted: Fitted | None = None) -> Credit:
    """Credit by the conversions (and value) each channel's touches caused, on a fitted model.

    Without `fitted`, the learner is chosen and fitted here; with it (bootstrap resamples), its
    design is refitted on these journeys, starting from its coefficients.
    """
    if fitted is None:
        fitted = fit_journeys(paths)
        learner = fitted.learner
    else:
        learner = fit(
            fitted.design, _touches(paths), paths.conversions, paths.nulls, fitted.learner.coef
        )
    journeys = paths.conversions + paths.nulls
    per_conversion = np.divide(
        paths.value, paths.conversions, out=np.zeros(paths.n_paths), where=paths.conversions > 0
    )
    mean_value = paths.value.sum() / max(paths.conversions.sum(), 1e-12)
    per_conversion[paths.conversions == 0] = mean_value
    games = play(paths, learner, np.column_stack([journeys, journeys * per_conversion]))
    conversions = _credit(games, 0, paths.conversions.sum())
    value = _credit(games, 1, paths.value.sum())
    details = {
        "fit": pl.DataFrame(
            {
                "learner": [f"logistic regression, {fitted.check.design}"],
                "held_out_auc": [fitted.check.auc],
                "calibration_error": [fitted.check.calibration_error],
                "observed_over_expected": [fitted.check.observed_over_expected],
                "baseline_conversions": [conversions[1]],
                "baseline_value": [value[1]],
            }
        ),
        "removal_effects": pl.DataFrame(
            {
                "channel_name": list(paths.channels),
                "conversions_lost_without": conversions[2],
                "value_lost_without": value[2],
            }
        ),
    }
    return Credit("counterfactual", paths.channels, conversions[0], value[0], details)


def _credit(games: Games, kind: int, observed: float) -> tuple[np.ndarray, float, np.ndarray]:
    """(credit per channel, baseline, removal effects) of one worth: removal effects plus the
    rest of the observed total, less the baseline, split in proportion to the Shapley values.
    The baseline is the model's, scaled by how far its total is from the observed one."""
    full, removal, shapley = games.full[kind], games.removal[:, kind], games.shapley[:, kind]
    baseline = float(games.baseline[kind] * observed / full) if full > 0 else 0.0
    rest = observed - baseline - removal.sum()
    total = shapley.sum()
    split = shapley / total if total > 0 else np.zeros_like(shapley)
    return removal + rest * split, baseline, removal
