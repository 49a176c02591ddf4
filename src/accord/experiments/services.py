"""Starting a campaign's holdout experiment: the only write. Its people are drawn once, in the
same transaction, and never redrawn; the seed is kept so anyone can draw them again and check.

Accord does not send campaigns: the tools that do read the exposed people from Accord
(`selectors.exposed_people`, the API's `/experiments/{id}/exposed`), and a held-out person the
campaign reached anyway is counted on the dashboard, not moved to the other arm (the lift is
measured as assigned, so it stays a randomised comparison).
"""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from accord.attribution.experiments import assign_holdout
from accord.audit.models import AuditEntry
from accord.audit.services import record_change
from accord.crm.services import Conflict, InvalidChange
from accord.experiments.models import Assignment, Experiment
from accord.experiments.selectors import eligible_audience
from accord.teams import access
from accord.teams.models import User
from accord.touchpoints.models import Campaign

#: The largest share held out: beyond half, the campaign is the experiment's minority.
MOST_HELD_OUT = Decimal("0.5")
ENDED = (Campaign.Status.COMPLETED, Campaign.Status.CANCELLED)
BATCH = 5000


@dataclass(frozen=True)
class HoldoutRequest:
    """`held_out_share` of the campaign's eligible people are held out; `seed` draws them (a
    fresh one when not given); `minimum_effect`, the smallest lift in conversion rate worth
    finding, is what power is reported for."""

    held_out_share: Decimal
    seed: int | None = None
    minimum_effect: Decimal | None = None


@dataclass(frozen=True)
class StartedExperiment:
    experiment: Experiment
    exposed: int
    held_out: int


def check_holdout_request(request: HoldoutRequest) -> None:
    if not 0 < request.held_out_share <= MOST_HELD_OUT:
        raise InvalidChange(
            "held_out_share",
            f"Hold out more than nobody and at most {MOST_HELD_OUT:.0%} of the audience, "
            f"not {request.held_out_share}",
        )
    if request.seed is not None and not 0 <= request.seed < 2**63:
        raise InvalidChange("seed", "The seed is a whole number from 0 to 2⁶³ − 1")
    if request.minimum_effect is not None and not 0 < request.minimum_effect < 1:
        raise InvalidChange(
            "minimum_effect",
            "The minimum effect is a difference in conversion rate between 0 and 1 "
            "(0.02 is two points)",
        )


@transaction.atomic
def do_start_experiment(
    user: User, campaign: Campaign, request: HoldoutRequest
) -> StartedExperiment:
    """Hold out a share of the eligible people (`selectors.eligible_audience`) of `campaign`,
    drawn within each stratum; one experiment per campaign, on one that has not ended."""
    if not access.may_hold_out_audience(user):
        raise access.AccessDenied([("campaign", "Only marketing holds out a campaign's audience")])
    check_holdout_request(request)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status in ENDED:
        raise InvalidChange("campaign", f"{campaign} is {campaign.get_status_display().lower()}")
    if Experiment.objects.filter(campaign=campaign).exists():
        raise Conflict("campaign", f"{campaign} already holds out part of its audience")
    people, strata = eligible_audience()
    seed = secrets.randbelow(2**63) if request.seed is None else request.seed
    held = assign_holdout(strata, float(request.held_out_share), seed)
    held_out = int(held.sum())
    if held_out < 2 or len(people) - held_out < 2:
        raise InvalidChange(
            "held_out_share",
            f"{len(people)} people are eligible and {held_out} would be held out: each side "
            "needs at least two",
        )
    experiment = Experiment.objects.create(
        campaign=campaign,
        held_out_share=request.held_out_share,
        seed=seed,
        minimum_effect=request.minimum_effect,
        started_by=user,
    )
    Assignment.objects.bulk_create(
        (
            Assignment(experiment=experiment, person_id=p, stratum=s, held_out=bool(h))
            for p, s, h in zip(people, strata, held, strict=True)
        ),
        batch_size=BATCH,
    )
    record_change(
        actor=user,
        action=AuditEntry.Action.CREATED,
        record_type=AuditEntry.RecordType.EXPERIMENT,
        record_id=experiment.pk,
        new=f"{campaign}: {held_out} of {len(people)} held out, seed {seed}",
    )
    return StartedExperiment(experiment, exposed=len(people) - held_out, held_out=held_out)
