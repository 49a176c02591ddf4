"""The record pages: one person (score and why, lifecycle, touches, handoffs, deals, history) and
one account (its people, deals and the deals' history). They read several apps (the agreement's
score, the handoffs, the audit trail), so they live here, above them all."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import render
from django.utils import timezone

from accord.agreement.models import LeadScore
from accord.audit.models import AuditEntry
from accord.audit.selectors import history_for
from accord.crm.access import access_account, access_person, opportunities_for, people_for
from accord.crm.models import Account, DealContact, Person
from accord.handoff.models import Handoff
from accord.teams import access
from accord.touchpoints.models import Touchpoint

TIMELINE = 50  # the latest touches and history rows a page shows


@dataclass(frozen=True)
class PersonRecord:
    person: Person
    score: LeadScore | None
    lifecycle: list
    touchpoints: list
    touchpoint_count: int
    handoffs: list
    opportunities: list
    history: list
    recycled_until: dt.datetime | None  # when sales rejected them and they still wait


def person_record(user, pk: int) -> PersonRecord:
    """Everything a person's page shows, for a user who may see that person (else 404)."""
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
        opportunities=_deals_of(user, person),
        history=list(history_for(AuditEntry.RecordType.PERSON, person.pk)[:TIMELINE]),
        recycled_until=(
            person.recycled_until if person.waits_out_recycling(timezone.now()) else None
        ),
    )


def _deals_of(user, person: Person) -> list:
    """The deals the person is on: as their primary contact, or in a contact role the CRM names
    (`role`, blank for none)."""
    roles = DealContact.objects.filter(person=person)
    return list(
        opportunities_for(user)
        .filter(Q(primary_contact=person) | Q(pk__in=roles.values("opportunity_id")))
        .annotate(role=Subquery(roles.filter(opportunity=OuterRef("pk")).values("role")[:1]))
        .order_by("-created_date", "pk")
    )


@dataclass(frozen=True)
class AccountRecord:
    account: Account
    people: list
    opportunities: list
    history: list


def account_record(user, pk: int) -> AccountRecord:
    """An account's page: its people and deals this user may see, and its deals' history."""
    account = access_account(user, pk)
    opportunities = list(opportunities_for(user).filter(account=account).order_by("-created_date"))
    history = AuditEntry.objects.filter(
        record_type=AuditEntry.RecordType.OPPORTUNITY,
        record_id__in=[str(o.pk) for o in opportunities],
    ).select_related("actor")
    return AccountRecord(
        account=account,
        people=list(people_for(user).filter(account=account).order_by("last_name", "first_name")),
        opportunities=opportunities,
        history=list(history.order_by("-at")[:TIMELINE]),
    )


@login_required
def person(request, pk: int):
    record = person_record(request.user, pk)
    may_edit = access.may_write(request.user, "person", access.Write.UPDATE)
    return render(request, "crm/person.html", {"r": record, "may_edit": may_edit})


@login_required
def account(request, pk: int):
    record = account_record(request.user, pk)
    may_edit = access.may_write(request.user, "account", access.Write.UPDATE)
    return render(request, "crm/account.html", {"r": record, "may_edit": may_edit})
