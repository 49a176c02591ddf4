"""Campaigns' holdout experiments over JSON: start one, read what each measured, and the exposed
people a tool that sends the campaign reads.

Refusals: 403 for a role other than marketing or an admin starting one, 404 for an unknown
experiment, 409 for a campaign that already has one, 422 for an unknown campaign, a share, seed
or minimum effect out of range, a campaign that has ended, or too few eligible people.
"""

from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from accord.crm.access import people_for
from accord.crm.api import ERRORS, Page
from accord.crm.conversion import reporting_currency
from accord.crm.schemas import UtcDatetime
from accord.experiments import selectors
from accord.experiments.models import Experiment
from accord.experiments.services import HoldoutRequest, do_start_experiment
from accord.inputs import Id, StrictIn
from accord.teams.access import UnknownReference, access_one
from accord.teams.models import User
from accord.touchpoints.access import access_campaign

router = Router(tags=["experiments"])


class ExperimentIn(StrictIn):
    campaign_id: Id
    held_out_share: Decimal = Field(
        gt=0, le=Decimal("0.5"), decimal_places=2, description="e.g. 0.1 holds out a tenth"
    )
    seed: int | None = Field(
        None, ge=0, lt=2**63, description="Draws the held-out people; a fresh one when not given"
    )
    minimum_effect: Decimal | None = Field(
        None,
        gt=0,
        lt=1,
        decimal_places=4,
        description="The smallest lift in conversion rate worth finding (0.02 is two points)",
    )


class ArmOut(Schema):
    people: int
    converted: int
    revenue: float = Field(description="Won revenue, in `currency`")


class IntervalOut(Schema):
    estimate: float
    low: float
    high: float


class LiftOut(Schema):
    """Exposed minus held out, with 95% intervals."""

    conversion_rate: IntervalOut
    revenue_per_person: IntervalOut = Field(description="In `currency`")
    power: float = Field(description="The chance the test had to find `detectable`")
    detectable: float = Field(description="The minimum effect, or the observed one")


class ExperimentOut(Schema):
    id: int
    campaign_id: int
    campaign: str
    channel: str
    held_out_share: Decimal
    seed: int
    minimum_effect: Decimal | None
    started_at: UtcDatetime
    currency: str
    exposed: ArmOut
    held_out: ArmOut
    lift: LiftOut | None
    refused: str = Field(description="Why there is no lift, when there is none")
    held_out_reached: int = Field(description="Held-out people the campaign reached anyway")
    revenue_left_out: int = Field(description="Won deals with no amount or rate to `currency`")


class ExposedOut(Schema):
    id: int
    email: str


def _caller(request: HttpRequest) -> User:
    """The user the bearer token names: django-ninja's auth sets `request.auth`."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _out(measured: selectors.Measured) -> dict:
    experiment, lift = measured.experiment, measured.lift
    return {
        "id": experiment.pk,
        "campaign_id": experiment.campaign_id,
        "campaign": experiment.campaign.name,
        "channel": experiment.campaign.channel,
        "held_out_share": experiment.held_out_share,
        "seed": experiment.seed,
        "minimum_effect": experiment.minimum_effect,
        "started_at": experiment.started_at,
        "currency": reporting_currency(),
        "exposed": vars(measured.exposed),
        "held_out": vars(measured.held_out),
        "lift": None
        if lift is None
        else {
            "conversion_rate": vars(lift.conversion),
            "revenue_per_person": vars(lift.revenue_per_person),
            "power": lift.power,
            "detectable": lift.detectable,
        },
        "refused": measured.refused,
        "held_out_reached": measured.reached_held_out,
        "revenue_left_out": measured.revenue_left_out,
    }


@router.get("/experiments", response=list[ExperimentOut], description="Everyone reads them.")
def list_experiments(request: HttpRequest):
    return [_out(measured) for measured in selectors.measure_experiments()]


@router.get("/experiments/{experiment_id}", response={200: ExperimentOut, **ERRORS})
def get_experiment(request: HttpRequest, experiment_id: int):
    experiment = access_one(selectors.list_experiments(), experiment_id)
    return _out(selectors.measure_experiment(experiment))


@router.get(
    "/experiments/{experiment_id}/exposed",
    response={200: list[ExposedOut], **ERRORS},
    description="The people the campaign may reach (of those you can see): what a tool that "
    "sends it reads, so nobody held out is sent it.",
)
@paginate(Page)
def list_exposed(request: HttpRequest, experiment_id: int):
    experiment = access_one(Experiment.objects.all(), experiment_id)
    visible = people_for(_caller(request)).values("pk")
    return selectors.exposed_people(experiment).filter(pk__in=visible)


@router.post(
    "/experiments",
    response={201: ExperimentOut, **ERRORS},
    description="Hold out a share of a campaign's eligible people (not yet customers), drawn "
    "within each stratum (the account's industry and region); marketing and admins only, "
    "once per campaign.",
)
def start_experiment(request: HttpRequest, payload: ExperimentIn):
    try:
        campaign = access_campaign(_caller(request), payload.campaign_id)
    except Http404 as exc:
        raise UnknownReference("campaign_id", str(exc)) from None
    holdout = HoldoutRequest(payload.held_out_share, payload.seed, payload.minimum_effect)
    started = do_start_experiment(_caller(request), campaign, holdout)
    return Status(201, _out(selectors.measure_experiment(started.experiment)))
