"""Journeys whose causal truth is known, to measure attribution models against.

Each generator draws journeys (a segment, then touches on six channels) and states the chance a
journey converts as a function of the touches it holds. A channel's true credit is then worked
out exactly, not estimated: the expected conversions lost when its touches are removed from
every journey, summed over the journeys (the chances with and without them, not a draw).
Conversions are drawn once from the chances. The structures differ on purpose:

- `additive`: each channel adds a fixed chance when present (one channel adds nothing);
- `interactions`: two channels work much better together, two others overlap;
- `recency`: a touch's pull decays with its age, and a webinar pulls twice as hard after paid
  social;
- `confounded`: one segment both converts far more and is shown two channels far more, which
  add nothing themselves;
- `saturation`: every touch multiplies the chance of not converting, so repeats pay less, and
  a channel works differently in each segment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from .features import Touches
from .paths import Paths

CHANNELS = ("paid_social", "display", "webinar", "email", "branded_search", "retargeting")
SEGMENTS = ("enterprise", "smb")
VALUE = np.array([20_000.0, 2_000.0])  # a deal's value in each segment
MAX_LENGTH = 10
START = np.datetime64("2026-01-05T09:00:00", "us")
#: Touches are a week apart: a touch's age is a week for every later touch of its journey.
DAYS_APART = 7.0


@dataclass(frozen=True)
class Known:
    """Journeys as unique paths (with segments) and each channel's true credit."""

    name: str
    paths: Paths
    truth: np.ndarray


@dataclass(frozen=True)
class _Shape:
    """What a journey sees: per segment, its share of journeys, how likely each channel is at
    each touch, and the mean number of touches."""

    share: np.ndarray
    exposure: np.ndarray  # segments x channels
    mean_length: np.ndarray


def _present(t: Touches) -> np.ndarray:
    present = np.zeros((t.n_journeys, t.n_channels))
    present[t.journey, t.channel] = 1.0
    return present


EVEN = _Shape(
    share=np.array([0.3, 0.7]),
    exposure=np.array([[0.15, 0.3, 0.05, 0.2, 0.1, 0.2]] * 2),
    mean_length=np.array([3.5, 3.5]),
)


def additive(t: Touches) -> np.ndarray:
    effect = np.array([0.04, 0.0, 0.10, 0.03, 0.02, 0.01])
    chance: np.ndarray = 0.03 + _present(t) @ effect
    return chance


def interactions(t: Touches) -> np.ndarray:
    p = _present(t)
    effect = np.array([0.03, 0.0, 0.04, 0.01, 0.02, 0.015])
    webinar_and_email = 0.12 * p[:, 2] * p[:, 3]
    branded_and_retargeting = -0.015 * p[:, 4] * p[:, 5]
    chance: np.ndarray = 0.02 + p @ effect + webinar_and_email + branded_and_retargeting
    return chance


def recency(t: Touches) -> np.ndarray:
    assert t.age is not None
    weeks = t.age / DAYS_APART
    pull = np.array([0.03, 0.0, 0.06, 0.04, 0.02, 0.01])[t.channel] * 0.6**weeks
    # a webinar pulls twice as hard when paid social came before it
    social = (t.channel == 0).astype(np.int64)
    before = np.cumsum(social) - social
    starts = np.cumsum(np.bincount(t.journey, minlength=t.n_journeys))
    seen = before - np.concatenate([[0], np.cumsum(social)[starts[:-1] - 1]])[t.journey] > 0
    pull *= np.where((t.channel == 2) & seen, 2.0, 1.0)
    chance: np.ndarray = 1.0 - np.exp(
        -(0.03 + np.bincount(t.journey, pull, minlength=t.n_journeys))
    )
    return chance


CONFOUNDED = _Shape(
    share=np.array([0.3, 0.7]),
    exposure=np.array([[0.1, 0.1, 0.1, 0.1, 0.3, 0.3], [0.3, 0.3, 0.05, 0.25, 0.05, 0.05]]),
    mean_length=np.array([5.0, 3.0]),
)


def confounded(t: Touches) -> np.ndarray:
    base = np.array([0.20, 0.02])[t.segment]
    effect = np.array([0.03, 0.01, 0.06, 0.02, 0.0, 0.0])
    chance: np.ndarray = base + _present(t) @ effect
    return chance


def saturation(t: Touches) -> np.ndarray:
    base = np.array([0.10, 0.02])[t.segment]
    effect = np.array([[0.02, 0.0, 0.06, 0.01, 0.01, 0.0], [0.03, 0.005, 0.03, 0.05, 0.0, 0.01]])
    per_touch = effect[t.segment[t.journey], t.channel]
    missed = np.exp(np.bincount(t.journey, np.log1p(-per_touch), minlength=t.n_journeys))
    chance: np.ndarray = 1.0 - (1.0 - base) * missed
    return chance


GENERATORS: dict[str, tuple[Callable[[Touches], np.ndarray], _Shape]] = {
    "additive": (additive, EVEN),
    "interactions": (interactions, EVEN),
    "recency": (recency, EVEN),
    "confounded": (confounded, CONFOUNDED),
    "saturation": (saturation, CONFOUNDED),
}


def generate(name: str, journeys: int, seed: int = 20261207) -> Known:
    """`journeys` journeys of the generator called `name`, reproducible from `seed`."""
    chance_of, shape = GENERATORS[name]
    rng = np.random.default_rng(seed)
    segment = rng.choice(len(SEGMENTS), size=journeys, p=shape.share)
    lengths = np.minimum(rng.geometric(1.0 / shape.mean_length[segment]), MAX_LENGTH)
    touch_segment = np.repeat(segment, lengths)
    cumulative = np.cumsum(shape.exposure / shape.exposure.sum(axis=1, keepdims=True), axis=1)
    draw = rng.random(len(touch_segment))
    channel = (draw[:, None] > cumulative[touch_segment]).sum(axis=1)
    journey = np.repeat(np.arange(journeys), lengths)
    unique = (
        pl.DataFrame({"journey": journey, "channel": channel.astype(np.int32)})
        .group_by("journey", maintain_order=True)
        .agg("channel")
        .with_columns(segment=pl.Series(segment.astype(np.int32)))
        .group_by("channel", "segment")
        .agg(pl.len().alias("journeys"))
        .sort("segment", "channel")
    )
    steps = unique["channel"]
    per = steps.list.len().to_numpy()
    offsets = np.zeros(len(per) + 1, dtype=np.int64)
    np.cumsum(per, out=offsets[1:])
    journey = np.repeat(np.arange(len(per)), per)
    after = (offsets[1:] - 1)[journey] - np.arange(len(journey))
    touches = Touches(
        steps.explode().to_numpy().astype(np.int64),
        journey,
        unique["segment"].to_numpy().astype(np.int64),
        len(CHANNELS),
        len(SEGMENTS),
        after * DAYS_APART,
    )
    count = unique["journeys"].to_numpy().astype(np.float64)
    chance = np.clip(chance_of(touches), 0.0, 1.0)
    truth = np.zeros(len(CHANNELS))
    for c in range(len(CHANNELS)):
        keep = touches.channel != c
        without = Touches(
            touches.channel[keep],
            touches.journey[keep],
            touches.segment,
            len(CHANNELS),
            len(SEGMENTS),
            touches.age[keep] if touches.age is not None else None,
        )
        truth[c] = count @ (chance - np.clip(chance_of(without), 0.0, 1.0))
    conversions = rng.binomial(count.astype(np.int64), chance).astype(np.float64)
    paths = Paths(
        channels=CHANNELS,
        touches=touches.channel.astype(np.int32),
        offsets=offsets,
        conversions=conversions,
        nulls=count - conversions,
        value=conversions * VALUE[touches.segment],
        ages=touches.age,
        segments=touches.segment.astype(np.int32),
        segment_names=SEGMENTS,
    )
    return Known(name, paths, truth)


def touchpoints(known: Known) -> pl.DataFrame:
    """The journeys as raw touchpoints, one row per touch (journey_id, occurred_at, channel,
    converted, value, segment), as `accord attribution --touchpoints` reads them."""
    paths = known.paths
    count = (paths.conversions + paths.nulls).astype(np.int64)
    yes = paths.conversions.astype(np.int64)
    path = np.repeat(np.arange(paths.n_paths), count)
    first = np.cumsum(count) - count
    converted = (np.arange(len(path)) - first[path]) < yes[path]
    lengths = paths.lengths[path]
    journey = np.repeat(np.arange(len(path)), lengths)
    starts = np.cumsum(lengths) - lengths
    step = np.arange(len(journey)) - starts[journey]
    touch = paths.offsets[path][journey] + step
    segment = paths.segments if paths.segments is not None else np.zeros(paths.n_paths, int)
    return pl.DataFrame(
        {
            "journey_id": journey,
            "occurred_at": START + (step * int(DAYS_APART)).astype("timedelta64[D]"),
            "channel": np.array(paths.channels)[paths.touches[touch]],
            "converted": converted[journey],
            "value": np.where(converted, VALUE[segment[path]], 0.0)[journey],
            "segment": np.array(paths.segment_names)[segment[path]][journey],
        }
    )
