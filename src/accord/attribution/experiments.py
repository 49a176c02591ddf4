"""Holdout experiments: who is held out of a campaign, and the lift the campaign made.

Assignment is stratified and reproducible: the same people, strata, share and seed always hold
out the same people. Lift compares the people assigned to each arm (intention to treat: a
held-out person the campaign reached anyway still counts as held out, so the comparison stays
randomised). Intervals are normal approximations from SciPy's normal quantiles: Newcombe's
hybrid score interval for the difference of two conversion rates (his method 10, good at the
low rates and small arms of campaign data where the Wald interval undercovers), Welch's
standard error for the difference of mean revenue per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import sqrt

import numpy as np
from scipy.stats import norm

from .paths import InputError


def assign_holdout(strata: list[str], share: float, seed: int) -> np.ndarray:
    """Whether each person (in the order given, one stratum label each) is held out.

    Within each stratum, taken in sorted order, the people are shuffled by one generator seeded
    with `seed`, and the first `share × size` are held out; a fractional person is held out
    with that probability, so every stratum holds out `share` of its people on average and none
    more than one person away from it. Callers pass people in a stable order (by id)."""
    if not 0 < share < 1:
        raise InputError(f"the held-out share must be between 0 and 1, not {share}")
    labels = np.asarray(strata, dtype=object)
    held_out = np.zeros(len(labels), dtype=bool)
    generator = np.random.default_rng(seed)
    for stratum in sorted(set(strata)):
        members = np.flatnonzero(labels == stratum)
        exact = share * len(members)
        count = int(exact) + int(generator.random() < exact - int(exact))
        held_out[generator.permutation(members)[:count]] = True
    return held_out


@dataclass(frozen=True)
class Arm:
    """One arm of an experiment: its people, how many converted, the revenue they brought and
    the sum of each person's revenue squared (for its variance)."""

    people: int
    converted: int
    revenue: float
    revenue_squared: float

    @property
    def rate(self) -> float:
        return self.converted / self.people

    @property
    def revenue_per_person(self) -> float:
        return self.revenue / self.people

    def revenue_variance(self) -> float:
        """The sample variance of revenue per person."""
        mean = self.revenue_per_person
        return max(self.revenue_squared - self.people * mean * mean, 0.0) / (self.people - 1)


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class Lift:
    """Exposed minus held out: the conversion rate and revenue per person, each with its
    interval, and the power the test had to detect `detectable` (the observed difference in
    conversion rate unless a minimum effect was given) at the interval's level."""

    conversion: Interval
    revenue_per_person: Interval
    power: float
    detectable: float
    confidence: float


def _z(confidence: float) -> float:
    return float(norm.ppf(0.5 + confidence / 2))


def _wilson(arm: Arm, z: float) -> tuple[float, float]:
    n, p = arm.people, arm.rate
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def conversion_difference(exposed: Arm, held_out: Arm, confidence: float = 0.95) -> Interval:
    """Newcombe's hybrid score interval for exposed.rate − held_out.rate."""
    z = _z(confidence)
    p1, p2 = exposed.rate, held_out.rate
    (l1, u1), (l2, u2) = _wilson(exposed, z), _wilson(held_out, z)
    difference = p1 - p2
    return Interval(
        difference,
        difference - sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        difference + sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def revenue_difference(exposed: Arm, held_out: Arm, confidence: float = 0.95) -> Interval:
    """The difference of mean revenue per person, ± z × Welch's standard error."""
    difference = exposed.revenue_per_person - held_out.revenue_per_person
    error = sqrt(
        exposed.revenue_variance() / exposed.people + held_out.revenue_variance() / held_out.people
    )
    z = _z(confidence)
    return Interval(difference, difference - z * error, difference + z * error)


def power(
    held_out_rate: float, effect: float, exposed: int, held_out: int, confidence: float = 0.95
) -> float:
    """The chance a two-sided two-proportion z-test at `confidence` finds a difference of
    `effect` in conversion rate over `held_out_rate`, with arms of these sizes (the normal
    approximation; the far tail is left out, it adds nothing measurable)."""
    p2 = held_out_rate
    p1 = min(max(p2 + effect, 0.0), 1.0)
    pooled = (p1 * exposed + p2 * held_out) / (exposed + held_out)
    null_error = sqrt(pooled * (1 - pooled) * (1 / exposed + 1 / held_out))
    error = sqrt(p1 * (1 - p1) / exposed + p2 * (1 - p2) / held_out)
    if error == 0:
        return 1.0 if p1 != p2 else 0.0
    return float(norm.cdf((abs(p1 - p2) - _z(confidence) * null_error) / error))


def measure_lift(
    exposed: Arm,
    held_out: Arm,
    *,
    confidence: float = 0.95,
    minimum_effect: float | None = None,
) -> Lift:
    """The lift of an experiment; refuses arms with fewer than two people."""
    for name, arm in (("exposed", exposed), ("held-out", held_out)):
        if arm.people < 2:
            raise InputError(
                f"lift needs at least two people in each arm, and the {name} arm has {arm.people}"
            )
    conversion = conversion_difference(exposed, held_out, confidence)
    detectable = conversion.estimate if minimum_effect is None else minimum_effect
    return Lift(
        conversion=conversion,
        revenue_per_person=revenue_difference(exposed, held_out, confidence),
        power=power(held_out.rate, detectable, exposed.people, held_out.people, confidence),
        detectable=detectable,
        confidence=confidence,
    )


def calibrated_credit(lift: Interval, touched: int) -> Interval:
    """A channel's caused revenue as an experiment on it measured it: the revenue per person
    its campaign added to the people it reached, times the journeys the channel touched."""
    return Interval(lift.estimate * touched, lift.low * touched, lift.high * touched)
