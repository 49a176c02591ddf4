"""Reads of the shared database that pages, API and CLI share."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, Q
from django.utils import timezone

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


# --- the record pages -------------------------------------------------------------------------

PAGE_SIZE = 50
TIMELINE = 50


@dataclass(frozen=True)
class PeoplePage:
    people: list
    page: int
    has_next: bool


def search_people(user, query: str = "", stage: str = "", page: int = 1) -> PeoplePage:
    """The people this user may see, newest first, matching an e-mail or name fragment and a
    stage. One row more than a page is read to know whether a next page exists (no count of a
    million rows for a pager)."""
    from accord.teams.access import people_for

    people = people_for(user).select_related("account", "owner")
    if query:
        people = people.filter(
            Q(email__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    if stage:
        people = people.filter(lifecycle_stage=stage)
    start = (page - 1) * PAGE_SIZE
    rows = list(people.order_by("-id")[start : start + PAGE_SIZE + 1])
    return PeoplePage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


@dataclass(frozen=True)
class PersonRecord:
    person: Person
    score: object  # agreement.LeadScore or None
    lifecycle: list
    touchpoints: list
    touchpoint_count: int
    handoffs: list
    opportunities: list
    history: list
    recycled_until: dt.datetime | None  # when sales rejected them and they still wait


def person_record(user, pk: int) -> PersonRecord:
    """Everything a person's page shows, for a user who may see that person (else 404)."""
    from accord.agreement.models import LeadScore
    from accord.audit.selectors import history_for
    from accord.handoff.models import Handoff
    from accord.teams.access import access_person, opportunities_for

    person = access_person(user, pk)
    touches = Touchpoint.objects.filter(person=person)
    return PersonRecord(
        person=person,
        score=LeadScore.objects.filter(person=person).select_related("version").first(),
        lifecycle=list(
            person.lifecycle_changes.select_related("changed_by").order_by("-changed_at")
        ),
        touchpoints=list(touches.select_related("campaign").order_by("-occurred_at")[:TIMELINE]),
        touchpoint_count=touches.count(),
        handoffs=list(
            Handoff.objects.filter(person=person)
            .select_related("assigned_to")
            .order_by("-handed_off_at")
        ),
        opportunities=list(opportunities_for(user).filter(primary_contact=person)),
        history=list(history_for("person", person.pk)[:TIMELINE]),
        recycled_until=(
            person.recycled_until if person.waits_out_recycling(timezone.now()) else None
        ),
    )


@dataclass(frozen=True)
class AccountRecord:
    account: Account
    people: list
    opportunities: list
    history: list


def account_record(user, pk: int) -> AccountRecord:
    """An account's page: its people and deals this user may see, and its deals' history."""
    from accord.audit.models import AuditEntry
    from accord.teams.access import access_account, opportunities_for, people_for

    account = access_account(user, pk)
    opportunities = list(opportunities_for(user).filter(account=account).order_by("-created_date"))
    history = AuditEntry.objects.filter(
        record_type="opportunity", record_id__in=[str(o.pk) for o in opportunities]
    ).select_related("actor")
    return AccountRecord(
        account=account,
        people=list(people_for(user).filter(account=account).order_by("last_name", "first_name")),
        opportunities=opportunities,
        history=list(history.order_by("-at")[:TIMELINE]),
    )
