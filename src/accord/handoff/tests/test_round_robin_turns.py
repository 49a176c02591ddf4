"""The weighted round robin's fairness, for any weights (no database needed)."""

from hypothesis import given
from hypothesis import strategies as st

from accord.handoff.models import RoutingMember
from accord.handoff.routing import next_in_turn

weights = st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=6)


def deal(member_weights: list[int], leads: int) -> list[RoutingMember]:
    members = [RoutingMember(pk=i + 1, weight=w) for i, w in enumerate(member_weights)]
    for _ in range(leads):
        next_in_turn(members).assigned_count += 1
    return members


@given(weights, st.integers(min_value=1, max_value=4))
def test_after_full_turns_everyone_has_exactly_their_weight(member_weights, turns):
    members = deal(member_weights, turns * sum(member_weights))

    assert [m.assigned_count for m in members] == [turns * w for w in member_weights]


@given(weights, st.integers(min_value=0, max_value=60))
def test_nobody_falls_below_their_share(member_weights, leads):
    total = sum(member_weights)

    for m in deal(member_weights, leads):
        assert m.assigned_count >= leads * m.weight // total


@given(st.integers(min_value=1, max_value=8), st.integers(min_value=0, max_value=60))
def test_equal_weights_differ_by_at_most_one_lead(size, leads):
    counts = [m.assigned_count for m in deal([1] * size, leads)]

    assert max(counts) - min(counts) <= 1
