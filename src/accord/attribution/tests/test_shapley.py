"""The closed-form Shapley value equals the definition, computed over every channel order."""

from itertools import permutations

import numpy as np
import pytest

from accord.attribution import shapley

from .conftest import aggregated, credited

ROWS = [
    ("a > b > a", 3, 300, 1),
    ("b > c", 2, 50, 2),
    ("c", 1, 10, 4),
    ("a > d > c > b", 4, 40, 0),
    ("d", 0, 0, 6),
]


def worth(coalition, of):
    """v(S): what journeys whose channels all lie in S brought."""
    return sum(row[of] for row in ROWS if set(row[0].split(" > ")) <= coalition)


def test_closed_form_equals_the_average_marginal_gain_over_all_orders():
    channels = ["a", "b", "c", "d"]
    expected = {c: [0.0, 0.0] for c in channels}
    orders = list(permutations(channels))
    for order in orders:
        for i, channel in enumerate(order):
            before = set(order[:i])
            for k, column in enumerate((1, 2)):
                gain = worth(before | {channel}, column) - worth(before, column)
                expected[channel][k] += gain / len(orders)
    result = credited(shapley(aggregated(ROWS)))
    for channel in channels:
        assert result[channel] == pytest.approx(tuple(expected[channel]), abs=1e-9)


def test_repeat_touches_do_not_buy_extra_credit():
    result = shapley(aggregated([("a > a > a > b", 2, 20, 0)]))
    assert np.allclose(result.conversions, [1, 1])
