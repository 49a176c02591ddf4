"""The dashboard's experiments: each campaign's holdout with its lift, interval and power, and
for each channel with an experiment, the counterfactual credit calibrated to what it measured.

Calibration: the experiment measures the revenue the campaign added per person it may reach
(exposed minus held out); spread over the journeys the channel touched, that is what the channel
caused by the experiment's measure, beside what the counterfactual model says it caused. Where a
channel has several experiments the one with the narrowest interval calibrates it. The model's
figure is the attribution panel's own (`credit.caused_by_channel`), under the same filters.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from accord.attribution.command import JourneyKind
from accord.attribution.experiments import Interval, calibrated_credit
from accord.crm.conversion import reporting_currency
from accord.experiments.selectors import Measured, measure_experiments
from accord.metrics.credit import (
    AttributionQuery,
    CounterfactualCredit,
    WorkedOut,
    caused_by_channel,
)
from accord.money import to_cents


class Bounds(BaseModel):
    estimate: float
    low: float
    high: float


class ExperimentRow(BaseModel):
    """One experiment: its arms, and the lift (None with `refused` saying why)."""

    campaign: str
    channel: str
    exposed_people: int
    held_out_people: int
    exposed_rate: float
    held_out_rate: float
    conversion_lift: Bounds | None = None
    revenue_lift: Bounds | None = None
    power: float | None = None
    detectable: float | None = None
    refused: str = ""
    reached_held_out: int = 0
    revenue_left_out: int = 0


class Calibration(BaseModel):
    """A channel's caused revenue by the model and by its experiment, and how far it moved."""

    channel: str
    campaign: str
    journeys: int
    counterfactual: Decimal
    calibrated: Decimal
    calibrated_low: Decimal
    calibrated_high: Decimal
    moved: Decimal


class ExperimentsReport(WorkedOut):
    experiments: list[ExperimentRow]
    calibrations: list[Calibration]
    calibration_refused: str = ""


def _rate(converted: int, people: int) -> float:
    return converted / people if people else 0.0


def _bounds(interval: Interval) -> Bounds:
    return Bounds(estimate=interval.estimate, low=interval.low, high=interval.high)


def _row(measured: Measured) -> ExperimentRow:
    lift, exposed, held_out = measured.lift, measured.exposed, measured.held_out
    measures: dict[str, Any] = {}
    if lift is not None:
        measures = {
            "conversion_lift": _bounds(lift.conversion),
            "revenue_lift": _bounds(lift.revenue_per_person),
            "power": lift.power,
            "detectable": lift.detectable,
        }
    return ExperimentRow(
        campaign=measured.campaign.name,
        channel=measured.campaign.channel,
        exposed_people=exposed.people,
        held_out_people=held_out.people,
        exposed_rate=_rate(exposed.converted, exposed.people),
        held_out_rate=_rate(held_out.converted, held_out.people),
        refused=measured.refused,
        reached_held_out=measured.reached_held_out,
        revenue_left_out=measured.revenue_left_out,
        **measures,
    )


def _most_precise(measured: list[Measured]) -> dict[str, Measured]:
    """Per channel, the experiment with the narrowest revenue interval."""
    best: dict[str, Measured] = {}
    for each in measured:
        if each.lift is None:
            continue
        channel = each.campaign.channel
        if channel not in best or _width(each) < _width(best[channel]):
            best[channel] = each
    return best


def _width(measured: Measured) -> float:
    assert measured.lift is not None
    return measured.lift.revenue_per_person.high - measured.lift.revenue_per_person.low


def run_experiments_report(query: AttributionQuery) -> ExperimentsReport:
    """Every experiment, and the calibrated credit of each channel that has one."""
    measured = measure_experiments()
    rows = [_row(each) for each in measured]
    if not (calibrating := _most_precise(measured)):
        return ExperimentsReport(experiments=rows, calibrations=[], currency=reporting_currency())
    caused, credits = caused_by_channel(query.model_copy(update={"journey": JourneyKind.PERSON}))
    calibrations = [
        _calibration(channel, experiment, caused)
        for channel, experiment in sorted(calibrating.items())
        if channel in caused.revenue
    ]
    return ExperimentsReport(
        experiments=rows,
        calibrations=calibrations,
        calibration_refused=caused.refused,
        worked_out_at=credits.worked_out_at,
        data_changed_since=credits.data_changed_since,
        currency=reporting_currency(),
    )


def _calibration(channel: str, experiment: Measured, caused: CounterfactualCredit) -> Calibration:
    assert experiment.lift is not None
    journeys = caused.journeys.get(channel, 0)
    calibrated = calibrated_credit(experiment.lift.revenue_per_person, journeys)
    model = to_cents(caused.revenue[channel])
    return Calibration(
        channel=channel,
        campaign=experiment.campaign.name,
        journeys=journeys,
        counterfactual=model,
        calibrated=to_cents(calibrated.estimate),
        calibrated_low=to_cents(calibrated.low),
        calibrated_high=to_cents(calibrated.high),
        moved=to_cents(calibrated.estimate) - model,
    )
