"""What every model returns: credit per channel, as columns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl


@dataclass
class Credit:
    """Conversions and value credited to each channel by one model.

    `details` holds model-specific frames (Markov: "removal_effects", "transition_matrix").
    `intervals`, when bootstrapped, is a frame of lower/upper bounds per channel.
    """

    model: str
    channels: tuple[str, ...]
    conversions: np.ndarray
    value: np.ndarray
    details: dict[str, pl.DataFrame] = field(default_factory=dict)
    intervals: pl.DataFrame | None = None
    #: A rule-based model's weight of each touch of the paths (those of a path sum to 1), so
    #: the credit of any subset of the paths can be added up without running it again.
    weights: np.ndarray | None = None

    def to_frame(self) -> pl.DataFrame:
        """One row per channel: `channel_name`, `model`, `total_conversions`,
        `total_conversion_value` (and the bootstrap bounds when present)."""
        frame = pl.DataFrame(
            {
                "channel_name": list(self.channels),
                "model": [self.model] * len(self.channels),
                "total_conversions": self.conversions,
                "total_conversion_value": self.value,
            }
        )
        if self.intervals is not None:
            frame = frame.join(self.intervals, on="channel_name", how="left")
        return frame
