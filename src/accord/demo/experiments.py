"""The demo company's holdout experiment: a tenth of the people its busiest recent campaign could
reach 120 days ago, drawn within each industry and region as marketing draws them on the
campaign's page; the campaign's touches of held-out people since are taken out, as they were
never sent it. Deterministic from the seed."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count

from accord.attribution.experiments import assign_holdout
from accord.crm.models import Opportunity, Person, PipelineStage
from accord.experiments.models import Assignment, Experiment
from accord.experiments.selectors import stratum
from accord.touchpoints.models import Campaign, Touchpoint

HELD_OUT = Decimal("0.1")
STARTED_DAYS_AGO = 120


def seed_experiment(today: dt.date, seed: int) -> dict[str, int]:
    started = dt.datetime.combine(
        today - dt.timedelta(days=STARTED_DAYS_AGO), dt.time(9), tzinfo=dt.UTC
    )
    touched_since = Touchpoint.objects.filter(occurred_at__gte=started, campaign__isnull=False)
    busiest = touched_since.values("campaign").annotate(touches=Count("pk"))
    top = busiest.order_by("-touches", "campaign")[:1]
    if not top:
        return {}
    campaign = Campaign.objects.get(pk=top[0]["campaign"])
    customers = Opportunity.objects.filter(
        stage=PipelineStage.CLOSED_WON,
        close_date__lt=started.date(),
        primary_contact__isnull=False,
    ).values("primary_contact_id")
    rows = list(
        Person.objects.filter(created_at__lt=started)
        .exclude(pk__in=customers)
        .order_by("pk")
        .values_list("pk", "account__industry", "account__region")
    )
    people = [pk for pk, _, _ in rows]
    strata = [stratum(industry, region) for _, industry, region in rows]
    held = assign_holdout(strata, float(HELD_OUT), seed)
    experiment = Experiment.objects.create(
        campaign=campaign, held_out_share=HELD_OUT, seed=seed, started_at=started
    )
    Assignment.objects.bulk_create(
        (
            Assignment(experiment=experiment, person_id=p, stratum=s, held_out=bool(h))
            for p, s, h in zip(people, strata, held, strict=True)
        ),
        batch_size=5000,
    )
    held_out = experiment.assignments.filter(held_out=True).values("person_id")
    Touchpoint.objects.filter(
        campaign=campaign, occurred_at__gte=started, person_id__in=held_out
    ).delete()
    return {"experiments.experiment": 1, "experiments.assignment": len(people)}
