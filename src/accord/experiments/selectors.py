"""Reads of experiments that the campaign page, the API and the dashboard share: who is
eligible, who is exposed, and what each experiment measured.

A person converts in an experiment when a deal on which they are the primary contact is won on
or after the day it started; their revenue is the amount of those deals in the reporting
currency (`accord.crm.conversion`). A won deal with no amount or no rate to that currency still
converts its person but is left out of the revenue, and counted, never added as a guess.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from accord.attribution import InputError
from accord.attribution.experiments import Arm, Lift, measure_lift
from accord.crm.conversion import with_reported_value
from accord.crm.models import LifecycleStage, Opportunity, Person, PipelineStage
from accord.experiments.models import Experiment
from accord.touchpoints.models import Campaign, Touchpoint

#: People past the point a campaign could win them: they are not in its audience.
NOT_ELIGIBLE = (LifecycleStage.CUSTOMER, LifecycleStage.EVANGELIST, LifecycleStage.DISQUALIFIED)
NO_INDUSTRY, NO_REGION = "no industry", "no region"


def stratum(industry: str | None, region: str | None) -> str:
    """A person's stratum: their account's industry and region (people with no account, or an
    account that does not say, are a stratum of their own)."""
    return f"{industry or NO_INDUSTRY} · {region or NO_REGION}"


def eligible_audience() -> tuple[list[int], list[str]]:
    """The people a campaign may reach, by id, and each one's stratum: everybody not yet a
    customer (nor an evangelist, nor disqualified)."""
    rows = (
        Person.objects.exclude(lifecycle_stage__in=NOT_ELIGIBLE)
        .order_by("pk")
        .values_list("pk", "account__industry", "account__region")
    )
    people, strata = [], []
    for pk, industry, region in rows.iterator(chunk_size=5000):
        people.append(pk)
        strata.append(stratum(industry, region))
    return people, strata


def experiment_of(campaign: Campaign) -> Experiment | None:
    return Experiment.objects.filter(campaign=campaign).first()


def list_experiments() -> QuerySet[Experiment]:
    return Experiment.objects.select_related("campaign").order_by("-started_at", "-pk")


def exposed_people(experiment: Experiment) -> QuerySet[Person]:
    """The people the campaign may reach: what a tool that sends it reads."""
    exposed = experiment.assignments.filter(held_out=False).values("person_id")
    return Person.objects.filter(pk__in=exposed).order_by("pk")


def held_out_reached(experiment: Experiment) -> int:
    """Held-out people the campaign reached anyway: a touch of it recorded since it started."""
    held_out = experiment.assignments.filter(held_out=True).values("person_id")
    touched = Touchpoint.objects.filter(
        campaign_id=experiment.campaign_id,
        occurred_at__gte=experiment.started_at,
        person_id__in=held_out,
    )
    return touched.values("person_id").distinct().count()


@dataclass(frozen=True)
class Measured:
    """What an experiment measured: each arm, and the lift (None, with `refused` saying why,
    when it cannot be measured); `reached_held_out` held-out people the campaign reached
    anyway; `revenue_left_out` won deals left out of the revenue."""

    experiment: Experiment
    exposed: Arm
    held_out: Arm
    lift: Lift | None
    refused: str
    reached_held_out: int
    revenue_left_out: int

    @property
    def campaign(self) -> Campaign:
        return self.experiment.campaign


def _won_since(experiment: Experiment) -> QuerySet[Opportunity]:
    deals = Opportunity.objects.filter(
        stage=PipelineStage.CLOSED_WON,
        close_date__gte=experiment.started_at.date(),
        primary_contact_id__in=experiment.assignments.values("person_id"),
    )
    return with_reported_value(deals, amount="amount", currency="currency", day="close_date")


def _arms(experiment: Experiment) -> tuple[Arm, Arm, int]:
    """The exposed and the held-out arm, and how many won deals had no revenue to add."""
    sizes = experiment.assignments.aggregate(
        held_out_people=Count("pk", filter=Q(held_out=True)),
        exposed_people=Count("pk", filter=Q(held_out=False)),
    )
    revenue: dict[int, float] = defaultdict(float)
    left_out = 0
    won = _won_since(experiment).values_list("primary_contact_id", "reported")  # type: ignore[misc]
    for person, value in won:
        revenue[person] += 0.0 if value is None else float(value)
        left_out += value is None
    # the converted people's arms, read through a subquery: a list of ids could pass SQLite's
    # limit on a statement's parameters
    converted = experiment.assignments.filter(
        person_id__in=_won_since(experiment).values("primary_contact_id")
    )
    arm_of = dict(converted.values_list("person_id", "held_out"))
    arms = []
    for held_out in (False, True):
        values = [amount for person, amount in revenue.items() if arm_of[person] is held_out]
        people = sizes["held_out_people" if held_out else "exposed_people"]
        arms.append(Arm(people, len(values), sum(values), sum(v * v for v in values)))
    return arms[0], arms[1], left_out


def measure_experiment(experiment: Experiment) -> Measured:
    exposed, held_out, left_out = _arms(experiment)
    minimum = experiment.minimum_effect
    try:
        lift = measure_lift(
            exposed, held_out, minimum_effect=None if minimum is None else float(minimum)
        )
        refused = ""
    except InputError as exc:
        lift, refused = None, str(exc)
    return Measured(
        experiment=experiment,
        exposed=exposed,
        held_out=held_out,
        lift=lift,
        refused=refused,
        reached_held_out=held_out_reached(experiment),
        revenue_left_out=left_out,
    )


def measure_experiments() -> list[Measured]:
    return [measure_experiment(experiment) for experiment in list_experiments()]
