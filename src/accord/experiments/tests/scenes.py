"""Scenes the experiments' tests share: an audience across strata, and two arms assigned by
hand with their won deals."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from tests.factories import AccountFactory, CampaignFactory, OpportunityFactory, PersonFactory

from accord.crm.models import PipelineStage
from accord.experiments.models import Assignment, Experiment

STARTED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def audience(sizes: dict[tuple[str, str], int]) -> None:
    """`sizes[(industry, region)]` people at an account of that industry and region."""
    for (industry, region), size in sizes.items():
        account = AccountFactory(industry=industry, region=region)
        PersonFactory.create_batch(size, account=account)


def won(person, amount="1000", closed=dt.date(2026, 2, 1)):
    return OpportunityFactory(
        account=person.account,
        primary_contact=person,
        amount=Decimal(amount),
        stage=PipelineStage.CLOSED_WON,
        created_date=dt.date(2026, 1, 10),
        close_date=closed,
    )


def assigned_by_hand(exposed: int, held_out: int, campaign=None, **fields) -> Experiment:
    """An experiment whose arms are given: the first `exposed` new people exposed, the rest
    held out (the drawing is tested on its own; this is what a measurement reads)."""
    campaign = campaign or CampaignFactory()
    experiment = Experiment.objects.create(
        campaign=campaign,
        held_out_share=Decimal("0.5"),
        seed=1,
        started_at=fields.pop("started_at", STARTED),
        **fields,
    )
    people = PersonFactory.create_batch(exposed + held_out)
    Assignment.objects.bulk_create(
        Assignment(experiment=experiment, person=p, stratum="any", held_out=i >= exposed)
        for i, p in enumerate(people)
    )
    return experiment


def arm(experiment: Experiment, held_out: bool) -> list:
    rows = experiment.assignments.filter(held_out=held_out).select_related("person__account")
    return [row.person for row in rows.order_by("person_id")]


def now():
    return timezone.now()
