"""What a journey contains, as the counterfactual model reads it: one sparse row per journey.

Per channel: whether it was touched, how many more times (log of the count), how recently (each
touch weighs half as much for every touch after it), and whether it opened or closed the journey;
then the journey's segment, and the learner's chosen interactions (pairs of channels
touched together, a channel within a segment). A journey with a channel's touches removed is
read the same way from the touches left, so its features are what they would have been.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: A touch's weight in the recency feature halves with every later touch, or, when touches
#: carry their age, with every week before the journey's last touch.
RECENCY_DECAY = 0.5
HALF_LIFE_DAYS = 7.0


@dataclass(frozen=True)
class Touches:
    """Touches grouped by journey: `channel` and `journey` per touch, in order within each
    journey and journeys contiguous; `segment` per journey (-1 when no segment is known);
    `age` per touch (days before the journey's last touch), when known."""

    channel: np.ndarray
    journey: np.ndarray
    segment: np.ndarray
    n_channels: int
    n_segments: int
    age: np.ndarray | None = None

    @property
    def n_journeys(self) -> int:
        return len(self.segment)


@dataclass(frozen=True)
class Design:
    """Which interactions a learner adds to the main effects."""

    name: str
    pairs: np.ndarray  # (k, 2) channel codes touched together
    by_segment: bool
    #: Beyond whether each channel was touched: how often, how recently, first and last.
    detailed: bool = True

    def matrix(self, touches: Touches) -> sp.csr_matrix:
        """The journeys' features: main effects, then channel x segment, then the pairs."""
        n, c = touches.n_journeys, touches.n_channels
        journey, channel = touches.journey, touches.channel
        per_journey = np.bincount(journey, minlength=n)
        start = np.cumsum(per_journey) - per_journey
        rank = np.arange(len(journey)) - start[journey]
        after = per_journey[journey] - 1 - rank

        def by_channel(values: np.ndarray, where: np.ndarray | None = None) -> sp.csr_matrix:
            rows, cols = (journey, channel) if where is None else (journey[where], channel[where])
            return sp.csr_matrix((values, (rows, cols)), shape=(n, c))

        counts = by_channel(np.ones(len(journey)))
        present = counts.sign()
        more = counts.copy()
        more.data = np.log(more.data)
        steps = after if touches.age is None else touches.age / HALF_LIFE_DAYS
        recency = by_channel(RECENCY_DECAY**steps)
        opened = by_channel(np.ones(int((rank == 0).sum())), rank == 0)
        closed = by_channel(np.ones(int((after == 0).sum())), after == 0)
        blocks = [present, more, recency, opened, closed] if self.detailed else [present]
        if touches.n_segments:
            known = touches.segment >= 0
            rows = np.flatnonzero(known)
            seg = sp.csr_matrix(
                (np.ones(len(rows)), (rows, touches.segment[known])),
                shape=(n, touches.n_segments),
            )
            blocks.append(seg)
            if self.by_segment:
                blocks += [
                    sp.diags(seg[:, s].toarray().ravel()) @ present for s in range(seg.shape[1])
                ]
        if len(self.pairs):
            columns = present.tocsc()
            blocks += [columns[:, [a]].multiply(columns[:, [b]]) for a, b in self.pairs]
        matrix: sp.csr_matrix = sp.hstack(blocks, format="csr")
        return matrix
