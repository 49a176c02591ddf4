"""Reads of the shared database that pages, API and CLI share."""

from dataclasses import asdict, dataclass

from django.db.models import Count

from accord.crm.models import Account, LifecycleStage, Opportunity, Person, PipelineStage
from accord.touchpoints.models import Campaign, Touchpoint


@dataclass(frozen=True)
class DatabaseStats:
    accounts: int
    people: int
    people_by_stage: dict[str, int]
    opportunities: int
    opportunities_by_stage: dict[str, int]
    opportunities_won: int
    opportunities_lost: int
    opportunities_open: int
    campaigns: int
    touchpoints: int

    def as_dict(self) -> dict:
        return asdict(self)


def get_database_stats() -> DatabaseStats:
    """The shared numbers: what both teams see on the home page and in `accord stats`."""
    by_stage = dict(Person.objects.values_list("lifecycle_stage").annotate(n=Count("id")))
    people_by_stage = {stage: by_stage.get(stage, 0) for stage in LifecycleStage.values}
    opp_rows = dict(Opportunity.objects.values_list("stage").annotate(n=Count("id")))
    opportunities_by_stage = {stage: opp_rows.get(stage, 0) for stage in PipelineStage.values}
    won = opportunities_by_stage[PipelineStage.CLOSED_WON]
    lost = opportunities_by_stage[PipelineStage.CLOSED_LOST]
    total_opps = sum(opportunities_by_stage.values())
    return DatabaseStats(
        accounts=Account.objects.count(),
        people=sum(people_by_stage.values()),
        people_by_stage=people_by_stage,
        opportunities=total_opps,
        opportunities_by_stage=opportunities_by_stage,
        opportunities_won=won,
        opportunities_lost=lost,
        opportunities_open=total_opps - won - lost,
        campaigns=Campaign.objects.count(),
        touchpoints=Touchpoint.objects.count(),
    )
