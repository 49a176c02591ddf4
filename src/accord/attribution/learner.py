"""The probability that a journey converts: a weighted logistic regression on its features.

Journeys that look the same are one row carrying how many of them converted and how many did
not, so a fit costs O(distinct journeys). The features are scaled to unit root mean square, and
a small ridge penalty keeps rare channels and interactions from running off. Candidate designs
(which interactions to add) are compared by their log loss on held-out journeys, k-fold, the
folds drawn by splitting each row's counts at random; the held-out predictions of the chosen
design then say how well it separates and how well it is calibrated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .features import Design, Touches

#: Ridge penalty per journey on the scaled coefficients.
PENALTY = 1e-4
FOLDS = 3
MAX_STEPS = 50
#: Newton's method stops when a step would lower the loss per journey by less than this.
TOLERANCE = 1e-10
#: Equal-count bins of predicted probability in the calibration check.
CALIBRATION_BINS = 10


@dataclass(frozen=True)
class Learner:
    """A fitted design: the probability of conversion of any journeys' touches."""

    design: Design
    scale: np.ndarray
    coef: np.ndarray  # intercept first

    def predict(self, touches: Touches) -> np.ndarray:
        return self.predict_matrix(self.design.matrix(touches))

    def predict_matrix(self, matrix: sp.csr_matrix) -> np.ndarray:
        from scipy.special import expit  # as in fit_matrix

        chances: np.ndarray = expit(matrix @ (self.scale * self.coef[1:]) + self.coef[0])
        return chances


def fit(
    design: Design,
    touches: Touches,
    converted: np.ndarray,
    not_converted: np.ndarray,
    start: np.ndarray | None = None,
) -> Learner:
    """Fit by Newton's method (the loss is convex; a step is halved until it lowers the loss),
    optionally from the coefficients of an earlier fit (`start`)."""
    return fit_matrix(design, design.matrix(touches), converted, not_converted, start)


def fit_matrix(
    design: Design,
    matrix: sp.csr_matrix,
    converted: np.ndarray,
    not_converted: np.ndarray,
    start: np.ndarray | None = None,
) -> Learner:
    """`fit` on the journeys' feature matrix (built once for all folds)."""
    # Here, not at the top: a command crediting a file with another model never loads them.
    from scipy.special import expit, log_expit

    weight = converted + not_converted
    total = max(weight.sum(), 1.0)
    square = np.asarray(matrix.multiply(matrix).T @ weight).ravel() / total
    scale = 1.0 / np.sqrt(np.where(square > 0, square, 1.0))
    ones = sp.csr_matrix(np.ones((matrix.shape[0], 1)))
    scaled = sp.hstack([ones, matrix @ sp.diags(scale)], format="csr")
    transposed = scaled.T.tocsr()
    dense = scaled.astype(np.float32).toarray()  # the curvature's product runs on BLAS
    ridge = np.full(scaled.shape[1], PENALTY)
    ridge[0] = 0.0

    def loss(coef: np.ndarray) -> tuple[float, np.ndarray]:
        z = scaled @ coef
        value = -(converted @ log_expit(z) + not_converted @ log_expit(-z)) / total
        return float(value + 0.5 * coef @ (ridge * coef)), z

    if start is None:
        rate = np.clip(converted.sum() / total, 1e-6, 1 - 1e-6)
        start = np.zeros(scaled.shape[1])
        start[0] = np.log(rate / (1 - rate))
    coef = start
    value, z = loss(coef)
    for _ in range(MAX_STEPS):
        chance = expit(z)
        gradient = transposed @ ((weight * chance - converted) / total) + ridge * coef
        bend = (weight * chance * (1 - chance) / total).astype(np.float32)
        curvature = (dense.T * bend) @ dense
        step = np.linalg.solve(curvature.astype(np.float64) + np.diag(ridge + 1e-12), gradient)
        decrease = float(gradient @ step)
        if decrease < TOLERANCE:
            break
        size = 1.0
        while True:
            trial, trial_z = loss(coef - size * step)
            if trial <= value - 1e-4 * size * decrease or size < 1e-6:
                break
            size /= 2
        coef, value, z = coef - size * step, trial, trial_z
    return Learner(design, scale, coef)


@dataclass(frozen=True)
class Check:
    """How the chosen learner did on journeys it was not fitted on."""

    design: str
    log_loss: dict[str, float]  # per candidate design, held out
    auc: float
    calibration_error: float  # mean |observed - predicted| rate over bins, weighted by journeys
    observed_over_expected: float


def choose(
    designs: Sequence[Design],
    touches: Touches,
    converted: np.ndarray,
    not_converted: np.ndarray,
    seed: int = 0,
) -> tuple[Design, Check]:
    """The design with the lowest held-out log loss, and its held-out fit."""
    rng = np.random.default_rng(seed)
    folds_yes = _split(rng, converted)
    folds_no = _split(rng, not_converted)
    losses, held_out = {}, {}
    for design in designs:
        matrix = design.matrix(touches)
        predicted = np.zeros((FOLDS, touches.n_journeys))
        for k in range(FOLDS):
            yes, no = converted - folds_yes[k], not_converted - folds_no[k]
            learner = fit_matrix(design, matrix, yes, no)
            predicted[k] = learner.predict_matrix(matrix)
        p = np.clip(predicted, 1e-12, 1 - 1e-12)
        total = converted.sum() + not_converted.sum()
        losses[design.name] = float(
            -(np.sum(folds_yes * np.log(p)) + np.sum(folds_no * np.log1p(-p))) / total
        )
        held_out[design.name] = predicted
    best = min(designs, key=lambda d: losses[d.name])
    p = held_out[best.name].ravel()
    yes, no = folds_yes.ravel(), folds_no.ravel()
    return best, Check(
        design=best.name,
        log_loss=losses,
        auc=auc(p, yes, no),
        calibration_error=calibration_error(p, yes, no),
        observed_over_expected=float(yes.sum() / max(p @ (yes + no), 1e-12)),
    )


def _split(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """Each row's (whole) count dealt at random into FOLDS parts."""
    left = np.rint(counts).astype(np.int64)
    parts = np.zeros((FOLDS, len(counts)))
    for k in range(FOLDS - 1):
        parts[k] = rng.binomial(left, 1.0 / (FOLDS - k))
        left = left - parts[k].astype(np.int64)
    parts[-1] = left
    return parts


def auc(p: np.ndarray, yes: np.ndarray, no: np.ndarray) -> float:
    """The chance a converted journey is scored above one that did not convert (ties half)."""
    order = np.argsort(p, kind="stable")
    p, yes, no = p[order], yes[order], no[order]
    distinct, first = np.unique(p, return_index=True)
    yes_at = np.add.reduceat(yes, first)
    no_at = np.add.reduceat(no, first)
    below = np.cumsum(no_at) - no_at
    pairs = yes.sum() * no.sum()
    return float((yes_at @ (below + 0.5 * no_at)) / pairs) if pairs else float("nan")


def calibration_error(p: np.ndarray, yes: np.ndarray, no: np.ndarray) -> float:
    """Mean gap between the observed and predicted conversion rate in bins of equal journeys."""
    order = np.argsort(p, kind="stable")
    p, yes, weight = p[order], yes[order], (yes + no)[order]
    cumulative = np.cumsum(weight)
    bins = np.minimum(
        (cumulative / cumulative[-1] * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1
    )
    journeys = np.bincount(bins, weight, CALIBRATION_BINS)
    observed = np.bincount(bins, yes, CALIBRATION_BINS)
    expected = np.bincount(bins, p * weight, CALIBRATION_BINS)
    filled = journeys > 0
    gaps = np.abs(observed[filled] - expected[filled]) / journeys[filled]
    return float(gaps @ journeys[filled] / journeys.sum())
