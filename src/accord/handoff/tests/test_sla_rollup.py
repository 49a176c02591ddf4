"""The SLA panels read a rollup the handoff services keep: on random histories, written straight
to the table or made by the services a rep and their head use, the SLA by month, by week and
over the period is the one counted from every handoff read one by one, and the rollup kept is
the one worked out again from the records."""

import datetime as dt
from dataclasses import replace

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import AccountFactory, PersonFactory

from accord.crm import rollups as funnel
from accord.crm.models import Person
from accord.crm.services import do_update_account, do_update_person
from accord.handoff import rollups
from accord.handoff.models import Handoff, RejectReason, SlaDay
from accord.handoff.routing import NoRepAvailable, do_route, route_batch
from accord.handoff.selectors import terms_in_force
from accord.handoff.services import (
    HandoffRefused,
    do_accept,
    do_convert,
    do_mark_breaches,
    do_reassign,
    do_record_first_touch,
    do_reject,
)
from accord.metrics import queries as q

pytestmark = pytest.mark.django_db

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SEGMENTS = [("EMEA", "Software"), ("EMEA", "Retail"), ("APAC", "Software"), None]
FILTERS = [{}, {"region": "EMEA"}, {"industry": "Software"}, {"region": "APAC"}]
OPEN = {Handoff.Status.ASSIGNED, Handoff.Status.ACCEPTED}

hours = st.integers(0, 120 * 24).map(lambda h: dt.timedelta(hours=h))


def days_from_epoch(first: int, last: int):
    """A period (start, end) of days between these, counted from EPOCH."""
    days = st.tuples(st.integers(first, last), st.integers(first, last))
    return days.map(lambda ds: tuple(EPOCH.date() + dt.timedelta(days=d) for d in sorted(ds)))


# --- the SLA as counted from every handoff, one by one ---------------------------------------


def _segment_of(handoff: Handoff) -> tuple[str | None, str | None]:
    account = handoff.person.account
    return (account.region, account.industry) if account else (None, None)


def _counted(handoff: Handoff, filters: dict, now: dt.datetime) -> dict | None:
    """What one handoff adds to its period's counts, or None when it is not counted."""
    region, industry = _segment_of(handoff)
    day = handoff.handed_off_at.astimezone(dt.UTC).date()
    if handoff.status == Handoff.Status.REASSIGNED or not filters["start"] <= day <= filters["end"]:
        return None
    if filters.get("region", region) != region or filters.get("industry", industry) != industry:
        return None
    is_open = handoff.status in OPEN
    touched, decided = handoff.first_touched_at, handoff.decided_at
    return {
        "handoffs": 1,
        "touched": int(touched is not None and touched <= handoff.first_touch_due_at),
        "decided": int(decided is not None and decided <= handoff.decision_due_at),
        "touch_running": int(is_open and touched is None and handoff.first_touch_due_at > now),
        "deciding": int(is_open and decided is None and handoff.decision_due_at > now),
    }


def expected_sales(filters: dict, period_of) -> dict[dt.date, q.SalesSla]:
    """Sales' side of the SLA per period (`period_of` a UTC day), from every handoff."""
    now = dt.datetime.now(dt.UTC)
    counts: dict[dt.date, dict] = {}
    for handoff in Handoff.objects.select_related("person__account"):
        if (one := _counted(handoff, filters, now)) is not None:
            period = period_of(handoff.handed_off_at.astimezone(dt.UTC).date())
            total = counts.setdefault(period, dict.fromkeys(one, 0))
            for name, n in one.items():
                total[name] += n
    return {period: q.SalesSla(**q._sales_sla(row)) for period, row in counts.items()}


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


NONE = q.SalesSla(**q._sales_sla(q.NO_HANDOFFS))


def sla_only(figures) -> q.SalesSla:
    return q.SalesSla(**figures.model_dump(exclude={"month", "period"}))


def assert_sla_as_counted_one_by_one(filters: dict) -> None:
    """By month (the dashboard), by week (the feedback page) and over the period (the plan)."""
    by_month = expected_sales(filters, month_of)
    for month in q.run_sla_compliance(q.SlaComplianceQuery(**filters)).sales:
        assert sla_only(month) == by_month.get(month.month, NONE)
    by_week = expected_sales(filters, week_of)
    for week in q.run_sales_sla_trend(q.SalesSlaTrendQuery(**filters, grain="week")):
        assert sla_only(week) == by_week.get(week.period, NONE)
    whole = expected_sales(filters, lambda day: None)
    assert q.run_sales_sla(q.MetricsQuery(**filters)) == whole.get(None, NONE)


def kept() -> list:
    return sorted(
        SlaDay.objects.filter(handoffs__gt=0).values_list(
            "day", "region", "industry", "handoffs", "touched", "decided"
        )
    )


def assert_kept_as_rebuilt() -> None:
    before = kept()
    rollups.rebuild()
    assert kept() == before


# --- handoffs written straight to the table, the rollup kept as a writer keeps it ------------

a_handoff = st.fixed_dictionaries(
    {
        "at": hours,
        "segment": st.sampled_from(SEGMENTS),
        "status": st.sampled_from(Handoff.Status.values),
        "touched_after": st.none() | st.integers(0, 8).map(lambda h: dt.timedelta(hours=h)),
        "decided_after": st.none() | st.integers(0, 96).map(lambda h: dt.timedelta(hours=h)),
        "swept": st.booleans(),
    }
)


def write_handoffs(specs: list[dict], rep, sales_team, now: dt.datetime) -> None:
    accounts = {s: AccountFactory(region=s[0], industry=s[1]) for s in SEGMENTS if s}
    for index, spec in enumerate(specs):
        at = EPOCH + spec["at"]
        touch_due, decision_due = at + dt.timedelta(hours=4), at + dt.timedelta(days=2)
        touched, decided = (
            None if after is None else at + after
            for after in (spec["touched_after"], spec["decided_after"])
        )
        handoff = Handoff.objects.create(
            person=PersonFactory(account=accounts.get(spec["segment"])),
            assigned_to=rep,
            team=sales_team,
            reason="test",
            handed_off_at=at,
            first_touch_due_at=touch_due,
            decision_due_at=decision_due,
        )
        rollups.refresh_days([at])
        # the sweep stamps a breach once the deadline passed, so a clock breached is due
        breached = spec["swept"] and spec["status"] in OPEN
        handoff.status = spec["status"]
        if handoff.status == Handoff.Status.REJECTED:
            handoff.reject_reason = RejectReason.NO_BUDGET
        handoff.first_touched_at = touched
        handoff.decided_at = decided
        handoff.first_touch_breached_at = (
            now if breached and not touched and touch_due < now else None
        )
        handoff.decision_breached_at = (
            now if breached and not decided and decision_due < now else None
        )
        handoff.save()
        if index % 2:
            rollups.refresh_days([at])  # some handoffs changed twice, others once
    rollups.refresh_days(EPOCH + spec["at"] for spec in specs[::2])


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    specs=st.lists(a_handoff, max_size=12),
    period=days_from_epoch(0, 130),
    filters=st.sampled_from(FILTERS),
    now=hours,
)
def test_the_sla_from_the_rollup_is_the_sla_of_every_handoff(
    specs, period, filters, now, rep, sales_team
):
    Handoff.objects.all().delete()
    rollups.rebuild()
    now = EPOCH + now
    with time_machine.travel(now, tick=False):
        write_handoffs(specs, rep, sales_team, now)

        assert_sla_as_counted_one_by_one({"start": period[0], "end": period[1], **filters})
    assert_kept_as_rebuilt()


# --- handoffs made and changed by the services, in a random order -----------------------------

ACTIONS = [
    "route", "route a batch", "first touch", "accept", "reject", "convert", "reassign",
    "sweep", "move to another account", "change the account's region",
]  # fmt: skip
# the gap since the step before: hours, so some clocks are met and others missed
a_step = st.tuples(
    st.sampled_from(ACTIONS),
    st.integers(0, 50),
    st.integers(0, 30).map(lambda h: dt.timedelta(hours=h)),
)


class Company:
    """Leads, their accounts and the reps, changed by the services as a step says."""

    def __init__(self, reps, head, terms):
        self.reps, self.head, self.terms = reps, head, terms
        self.accounts = [AccountFactory(region=s[0], industry=s[1]) for s in SEGMENTS if s]
        self.made = 0

    def new_lead(self, pick: int) -> Person:
        """An MQL; one in four has no account, and routing finds theirs by e-mail domain."""
        self.made += 1
        account = self.accounts[pick % len(self.accounts)]
        lead = PersonFactory(
            email=f"lead{self.made}@{account.domain}",
            account=None if pick % 4 == 0 else account,
            lifecycle_stage="mql",
        )
        funnel.refresh_people([lead.pk])  # as the writer that made them does
        return lead

    def do(self, action: str, pick: int, at: dt.datetime) -> None:
        handoffs = list(Handoff.objects.filter(status__in=OPEN).order_by("pk"))
        handoff = handoffs[pick % len(handoffs)] if handoffs else None
        rep = handoff and handoff.assigned_to
        try:
            if action == "route":
                do_route(self.new_lead(pick), self.terms, at=at)
            elif action == "route a batch":
                ids = [self.new_lead(pick + n).pk for n in range(3)]
                with transaction.atomic():
                    locked = Person.objects.select_for_update(of=("self",)).filter(pk__in=ids)
                    route_batch(list(locked.select_related("account")), self.terms, at=at)
            elif action == "sweep":
                do_mark_breaches(at, replace(self.terms, reassign_on_breach=True))
            elif action == "move to another account":
                person = Person.objects.order_by("pk")[pick % Person.objects.count()]
                do_update_person(person, {"account": self.accounts[pick % len(self.accounts)]})
            elif action == "change the account's region":
                account = self.accounts[pick % len(self.accounts)]
                do_update_account(account, {"region": ["EMEA", "APAC", "AMER"][pick % 3]})
            elif handoff is None:
                return
            elif action == "first touch":
                do_record_first_touch(handoff, rep, at=at)
            elif action == "accept":
                do_accept(handoff, rep, at=at)
            elif action == "reject":
                do_reject(handoff, rep, RejectReason.NO_BUDGET, "", self.terms, at=at)
            elif action == "convert":
                do_convert(handoff, rep, at=at)
            elif action == "reassign":
                other = next(r for r in self.reps if r.pk != handoff.assigned_to_id)
                do_reassign(handoff, self.head, other, at=at)
        except (HandoffRefused, NoRepAvailable):  # refused as a user would be: nothing changed
            pass


@pytest.fixture
def company(agreement_in_force, make_rule, rep, other_rep, sales_head):
    make_rule(members=[rep, other_rep])
    return Company([rep, other_rep], sales_head, terms_in_force())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(a_step, min_size=1, max_size=10),
    period=days_from_epoch(-2, 20),
    filters=st.sampled_from(FILTERS),
)
def test_the_sla_kept_by_the_services_is_the_sla_of_every_handoff(steps, period, filters, company):
    Handoff.objects.all().delete()  # each history starts afresh: its clocks run forward
    rollups.rebuild()
    steps = [("route a batch", 0, dt.timedelta(0)), *steps]  # leads for the reps to work
    at = EPOCH
    for action, pick, gap in steps:
        at += gap
        with time_machine.travel(at, tick=False):
            company.do(action, pick, at)
        assert_kept_as_rebuilt()
    with time_machine.travel(at + dt.timedelta(hours=2), tick=False):
        assert_sla_as_counted_one_by_one({"start": period[0], "end": period[1], **filters})
