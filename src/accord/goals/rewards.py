"""Payouts from won revenue under a reward plan: plain arithmetic on Decimals, no Django.

Rounding: every amount is in cents. The pool, the recognition part and the sales part are
rounded half to even (ROUND_HALF_EVEN) to the cent; marketing gets the pool less recognition less
sales, so the two teams' parts add up to the pool. Within a team (and among recognised people) each
share is rounded down to the cent and the cents left over go one each to the people first in
order (members: by name, then e-mail; recognised people: most credited revenue first), so the
payouts always add up to the pool exactly. Recognition nobody earned (no idea credited with
revenue) goes back to the two teams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from typing import Generic, TypeVar

from accord.goals.plan import RewardPlan

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def pool(won: Decimal, goal: Decimal, plan: RewardPlan) -> Decimal:
    """The pool: each band of won revenue above the threshold times its rate.

    The base rate applies from the threshold up to the first accelerator; above each
    accelerator the rate is the base rate times that accelerator's multiplier."""
    bands = [(plan.threshold * goal, plan.rate)]
    bands += [(a.above * goal, plan.rate * a.multiplier) for a in plan.accelerators]
    total = Decimal(0)
    for index, (start, rate) in enumerate(bands):
        end = bands[index + 1][0] if index + 1 < len(bands) else None
        top = won if end is None else min(won, end)
        if top > start:
            total += (top - start) * rate
    return cents(total)


def split_evenly(amount: Decimal, keys: list) -> dict:
    """`amount` shared equally among `keys` (already in order), rounded down to the cent, the
    cents left over one each to the first keys."""
    if not keys:
        return {}
    share = (amount / len(keys)).quantize(CENT, rounding=ROUND_DOWN)
    left = int((amount - share * len(keys)) / CENT)
    return {key: share + (CENT if index < left else 0) for index, key in enumerate(keys)}


def split_in_proportion(amount: Decimal, weights: dict) -> dict:
    """`amount` shared in proportion to positive `weights`, rounded down to the cent, the cents
    left over one each to the largest weights first."""
    weights = {key: Decimal(weight) for key, weight in weights.items() if weight > 0}
    total = sum(weights.values())
    if not total:
        return {}
    order = sorted(weights, key=lambda key: (-weights[key], str(key)))
    shares = {k: (amount * weights[k] / total).quantize(CENT, rounding=ROUND_DOWN) for k in order}
    left = int((amount - sum(shares.values())) / CENT)
    for key in order[:left]:
        shares[key] += CENT
    return shares


Person = TypeVar("Person")  # whoever the caller pays: a `teams.models.User` in Accord


@dataclass(frozen=True)
class Payout(Generic[Person]):
    """What one person gets: their part of their team's pool plus any recognition."""

    person: Person
    team_share: Decimal = Decimal("0.00")
    recognition: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.team_share + self.recognition


@dataclass(frozen=True)
class Payouts:
    pool: Decimal
    recognition: Decimal
    sales: Decimal
    marketing: Decimal
    people: dict = field(default_factory=dict)

    def of(self, person) -> Payout:
        return self.people.get(person, Payout(person))


def compute_payouts(
    *,
    won: Decimal,
    goal: Decimal,
    plan: RewardPlan,
    sales_members: list,
    marketing_members: list,
    idea_credit: dict,
) -> Payouts:
    """Payouts for a period: `won` revenue against `goal`; members in the order leftover cents
    follow; `idea_credit` maps each person whose campaign idea was credited with won revenue to
    that revenue."""
    total = pool(won, goal, plan)
    credited = {person: value for person, value in idea_credit.items() if value > 0}
    recognition = cents(total * plan.recognition.share / HUNDRED) if credited else Decimal("0.00")
    for_teams = total - recognition
    sales = cents(for_teams * plan.split.sales / HUNDRED)
    marketing = for_teams - sales
    shares: dict = {}
    for members, amount in ((sales_members, sales), (marketing_members, marketing)):
        for person, share in split_evenly(amount, members).items():
            shares[person] = Payout(person, team_share=share)
    for person, share in split_in_proportion(recognition, credited).items():
        shares[person] = Payout(person, shares.get(person, Payout(person)).team_share, share)
    return Payouts(
        pool=total, recognition=recognition, sales=sales, marketing=marketing, people=shares
    )
