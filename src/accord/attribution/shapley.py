"""Shapley-value attribution (Zhao et al., 2018, "Shapley value methods for attribution
modeling in online advertising").

The game: the worth v(S) of a set of channels S is the conversions (or value) of the journeys
whose channels all lie in S. A journey with the channel set A adds its conversions to v(S) for
exactly the S that contain A, so in a random order of channels the whole amount is the marginal
gain of whichever channel of A comes last, and each channel of A is last with probability
1/|A|. The Shapley value is therefore, exactly, the sum over journeys of conversions / |A| for
every channel in A (their "simplified Shapley value"): O(touches of unique paths), exact for any
number of channels, with no subset enumeration and no sampling error.
"""

from __future__ import annotations

import numpy as np

from .paths import Paths
from .result import Credit


def shapley(paths: Paths) -> Credit:
    """Exact Shapley values of the conversions and value games."""
    n = len(paths.channels)
    pairs = np.unique(paths.path_of_touch.astype(np.int64) * n + paths.touches)
    path, channel = pairs // n, pairs % n
    distinct = np.bincount(path, minlength=paths.n_paths)
    share = 1.0 / distinct[path]
    conversions = np.bincount(channel, share * paths.conversions[path], minlength=n)
    value = np.bincount(channel, share * paths.value[path], minlength=n)
    return Credit("shapley", paths.channels, conversions, value)
