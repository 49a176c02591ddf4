"""Markov-chain attribution of order 1 to 4, with removal effects computed exactly.

A state is the last `order` channels of the journey so far (padded at the start, so a journey's
first state is its first channel alone). Every journey starts in "(start)" and ends in
"(conversion)" or "(null)". The probability of conversion from the start solves the absorbing
chain's linear system (I - Q) x = r, sparse; removing a channel sends every transition into a
state that contains it to "(null)", and its removal effect is 1 - P(conversion without it) /
P(conversion). Conversions and value are credited in proportion to the removal effects, as
ChannelAttribution does. The value chain is the same with each conversion worth its value, so
its x is the expected value of a journey from each state.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from .paths import InputError, Paths
from .result import Credit

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"
MAX_ORDER = 4
DENSE_LIMIT = 1 << 25
DIRECT_LIMIT = 500
MAX_SWEEPS = 20_000


def _state_codes(paths: Paths, order: int) -> tuple[np.ndarray, int]:
    """Integer code of each touch's state: the last `order` channel codes, base C+1, 0 = pad."""
    base = len(paths.channels) + 1
    if base**order >= 2**62:
        raise InputError(f"too many channels ({base - 1}) for a Markov chain of order {order}")
    shifted = paths.touches.astype(np.int64) + 1
    codes = shifted.copy()
    for lag in range(1, order):
        part = np.zeros_like(codes)
        part[lag:] = shifted[: len(shifted) - lag]
        codes += np.where(paths.position >= lag, part, 0) * base**lag
    return codes, base


def _index(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of `codes` (sorted) and each code's rank among them; by a dense lookup
    table when the code space is small, which avoids sorting every touch."""
    if size <= DENSE_LIMIT:
        present = np.zeros(size, dtype=bool)
        present[codes] = True
        distinct = np.flatnonzero(present)
        rank = np.cumsum(present) - 1
        return distinct, rank[codes]
    return np.unique(codes, return_inverse=True)


def _chain(
    paths: Paths, order: int
) -> tuple[np.ndarray, int, sp.csc_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """The chain's states, its code base, Q, the right-hand sides and each state's exits."""
    codes, base = _state_codes(paths, order)
    state_codes, state = _index(codes, base**order)
    state = state.astype(np.int64) + 1  # 0 is (start)
    n = len(state_codes) + 1
    n_channels = len(paths.channels)
    journeys = paths.conversions + paths.nulls
    starts, ends = paths.offsets[:-1], paths.offsets[1:] - 1
    # Every touch is entered from the state before it ((start) for a path's first touch), and
    # the state it enters follows from that state and its channel: transitions are counted on
    # (state before, channel) pairs, few whatever the number of touches.
    before = np.empty_like(state)
    before[1:] = state[:-1]
    before[starts] = 0
    before *= n_channels
    before += paths.touches
    pairs, pair = _index(before, n * n_channels)
    del before
    pair_weight = np.bincount(pair, journeys[paths.path_of_touch], minlength=len(pairs))
    pair_target = np.zeros(len(pairs), dtype=np.int64)
    pair_target[pair] = state
    counts = sp.csr_matrix((pair_weight, (pairs // n_channels, pair_target)), shape=(n, n))
    last = state[ends]
    conversions = np.bincount(last, paths.conversions, minlength=n)
    nulls = np.bincount(last, paths.nulls, minlength=n)
    value = np.bincount(last, paths.value, minlength=n)
    return (state_codes, base, *_absorbing(counts, conversions, nulls, value))


def _absorbing(
    counts: sp.csr_matrix, conversions: np.ndarray, nulls: np.ndarray, value: np.ndarray
) -> tuple[sp.csc_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """Q, the right-hand sides and each state's exits, from the journeys counted from state to
    state and those ending in each state."""
    out = np.asarray(counts.sum(axis=1)).ravel() + conversions + nulls
    out[out == 0] = 1.0
    q = (sp.diags(1.0 / out) @ counts).tocsc()
    rhs = np.column_stack([conversions / out, value / out])
    return q, rhs, conversions / out, nulls / out


def _solve(q: sp.csc_matrix, rhs: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
    """P(conversion) and expected value from (start) = row 0, over the states in `keep`.

    Small chains use a sparse LU. On large ones (high orders) LU fill-in approaches a dense
    matrix, so x = r + Qx is iterated from 0 instead, upwards to the solution, until the
    residual (the last change) is below 1e-15 of x; a chain that has not got there after
    MAX_SWEEPS falls back to the LU. The residual bounds the error, so both are exact to
    floating-point precision.
    """
    if keep is not None:
        index = np.flatnonzero(keep)
        q = q[index][:, index]
        rhs = rhs[index]
    if q.shape[0] > DIRECT_LIMIT:
        rows = q.tocsr()
        x = rhs.copy()
        for sweep in range(1, MAX_SWEEPS + 1):
            following = rhs + rows @ x
            if sweep % 16 == 0:
                change = np.abs(following - x).max(axis=0)
                if np.all(change <= 1e-15 * np.maximum(np.abs(following).max(axis=0), 1e-300)):
                    converged: np.ndarray = following[0]
                    return converged
            x = following
    system = (sp.identity(q.shape[0], format="csc") - q).tocsc()
    solved: np.ndarray = splu(system).solve(rhs)[0]
    return solved


def _state_names(
    channels: tuple[str, ...], state_codes: np.ndarray, base: int, order: int
) -> list[str]:
    names = np.array(channels, dtype=object)
    labels = []
    for code in state_codes:
        parts = [(code // base**lag) % base for lag in range(order)]
        labels.append(" > ".join(names[p - 1] for p in reversed(parts) if p))
    return labels


def markov(paths: Paths, order: int = 1) -> Credit:
    """Credit by removal effects of a Markov chain of `order` (1 to 4)."""
    if not 1 <= order <= MAX_ORDER:
        raise InputError(f"the Markov order must be 1 to {MAX_ORDER}, not {order}")
    state_codes, base, q, rhs, p_conv, p_null = _chain(paths, order)
    totals = np.array([paths.conversions.sum(), paths.value.sum()])
    return _credit(paths.channels, order, state_codes, base, q, rhs, p_conv, p_null, totals)


def markov_from_transitions(
    channels: tuple[str, ...],
    source: np.ndarray,
    target: np.ndarray,
    journeys: np.ndarray,
    ends: np.ndarray,
    conversions: np.ndarray,
    nulls: np.ndarray,
    value: np.ndarray,
) -> Credit:
    """Order-1 credit from the chain's counts rather than from paths, as `markov(paths)` gives
    it for the paths counted: `journeys` went from channel `source` (a code into `channels`,
    -1 for the start) to channel `target`, each pair once; `conversions`, `nulls` and `value`
    are those of the journeys whose last touch was channel `ends`, each channel once. Every
    channel of `channels` must be touched: counts add up, so they can be kept as journeys
    change and read back for any set of journeys."""
    n = len(channels) + 1
    counts = sp.csr_matrix(
        (np.asarray(journeys, dtype=np.float64), (np.asarray(source) + 1, np.asarray(target) + 1)),
        shape=(n, n),
    )

    def by_state(amounts: np.ndarray) -> np.ndarray:
        return np.bincount(np.asarray(ends) + 1, np.asarray(amounts, dtype=np.float64), minlength=n)

    q, rhs, p_conv, p_null = _absorbing(
        counts, by_state(conversions), by_state(nulls), by_state(value)
    )
    totals = np.array([np.sum(conversions), np.sum(value)], dtype=np.float64)
    states = np.arange(1, n, dtype=np.int64)
    return _credit(channels, 1, states, n, q, rhs, p_conv, p_null, totals)


def _credit(
    channels: tuple[str, ...],
    order: int,
    state_codes: np.ndarray,
    base: int,
    q: sp.csc_matrix,
    rhs: np.ndarray,
    p_conv: np.ndarray,
    p_null: np.ndarray,
    totals: np.ndarray,
) -> Credit:
    """Each channel's removal effect on the chain, and the credit in proportion to them."""
    full = _solve(q, rhs)
    n_channels = len(channels)
    members = np.zeros((len(state_codes), n_channels), dtype=bool)
    for lag in range(order):
        part = (state_codes // base**lag) % base
        has = part > 0
        members[np.flatnonzero(has), part[has] - 1] = True
    effects = np.zeros((n_channels, 2))
    for channel in range(n_channels):
        keep = np.concatenate([[True], ~members[:, channel]])
        without = _solve(q, rhs, keep)
        with np.errstate(divide="ignore", invalid="ignore"):
            effects[channel] = np.where(full > 0, 1.0 - without / full, 0.0)
    effects = np.clip(effects, 0.0, None)
    sums = effects.sum(axis=0)
    shares = np.divide(effects, sums, out=np.zeros_like(effects), where=sums > 0)
    credited = shares * totals
    labels = [START, *_state_names(channels, state_codes, base, order)]
    details = {
        "removal_effects": pl.DataFrame(
            {
                "channel_name": list(channels),
                "removal_effects_conversion": effects[:, 0],
                "removal_effects_conversion_value": effects[:, 1],
            }
        ),
        "transition_matrix": _transition_frame(labels, q, p_conv, p_null),
    }
    name = "markov" if order == 1 else f"markov_{order}"
    return Credit(name, channels, credited[:, 0], credited[:, 1], details)


def _transition_frame(
    labels: list[str], q: sp.csc_matrix, p_conv: np.ndarray, p_null: np.ndarray
) -> pl.DataFrame:
    coo = q.tocoo()
    names = np.array(labels, dtype=object)
    states = np.arange(len(names))
    frames = [
        (coo.row, names[coo.col], coo.data),
        (states, np.full(len(names), CONVERSION, dtype=object), p_conv),
        (states, np.full(len(names), NULL, dtype=object), p_null),
    ]
    source = np.concatenate([f[0] for f in frames])
    frame = pl.DataFrame(
        {
            "channel_from": names[source].tolist(),
            "channel_to": np.concatenate([f[1] for f in frames]).tolist(),
            "transition_probability": np.concatenate([f[2] for f in frames]),
        }
    )
    return frame.filter(pl.col("transition_probability") > 0).sort("channel_from", "channel_to")
