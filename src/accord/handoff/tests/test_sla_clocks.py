"""SLA clocks in working hours: breaches, escalation and the time left shown in the inbox."""

import datetime as dt
from dataclasses import replace

import pytest
import time_machine

from accord.handoff.models import Handoff
from accord.handoff.routing import do_route
from accord.handoff.services import do_accept, do_mark_breaches, do_record_first_touch
from accord.handoff.tests.helpers import inbox_for, mql, new_york
from accord.teams.models import Holiday

FRIDAY = new_york(2026, 11, 27, 15)  # two working hours before the weekend
SATURDAY = new_york(2026, 11, 28, 12)
MONDAY = dt.date(2026, 11, 30)
HOURS = dt.timedelta(hours=1)


@pytest.fixture
def handoff(make_rule, rep, terms):
    """Four working hours to touch (due Monday 11:00) and two working days to decide (16 hours:
    Friday 2, Monday 8, Tuesday 6, so due Tuesday 15:00)."""
    make_rule(members=[rep])
    return do_route(mql(), terms, at=FRIDAY)


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return do_mark_breaches()


def test_the_weekend_does_not_count_against_the_rep(handoff):
    assert handoff.first_touch_due_at == new_york(2026, 11, 30, 11)
    assert handoff.decision_due_at == new_york(2026, 12, 1, 15)
    assert sweep_at(SATURDAY) == []
    assert sweep_at(new_york(2026, 11, 30, 10, 59)) == []


def test_a_missed_first_touch_is_marked_and_escalated_to_the_head_once(handoff, sales_head):
    moment = new_york(2026, 11, 30, 11, 1)

    [breach] = sweep_at(moment)

    assert (breach.handoff, breach.clock, breach.alert) == (handoff, "first_touch", [sales_head])
    handoff.refresh_from_db()
    assert handoff.first_touch_breached_at == moment
    assert handoff.escalated_at == moment
    assert handoff.decision_breached_at is None
    assert sweep_at(moment + HOURS) == []


def test_a_missed_decision_is_a_second_breach(handoff, sales_head):
    sweep_at(new_york(2026, 11, 30, 12))

    [breach] = sweep_at(new_york(2026, 12, 1, 15, 1))

    assert (breach.clock, breach.alert) == ("decision", [sales_head])
    assert sweep_at(new_york(2026, 12, 2, 9)) == []


def test_a_lead_touched_in_time_is_not_breached(handoff, rep):
    do_record_first_touch(handoff, rep, at=new_york(2026, 11, 30, 9, 30))

    assert sweep_at(new_york(2026, 11, 30, 12)) == []


def test_an_accepted_lead_stops_both_clocks(handoff, rep):
    do_accept(handoff, rep, at=new_york(2026, 11, 30, 9, 30))

    assert sweep_at(new_york(2026, 12, 4, 12)) == []


def test_a_team_holiday_is_not_working_time(make_rule, rep, terms, sales_team):
    Holiday.objects.create(team=sales_team, date=MONDAY, name="Team offsite")
    make_rule(members=[rep])

    handoff = do_route(mql(), terms, at=FRIDAY)

    assert handoff.first_touch_due_at == new_york(2026, 12, 1, 11)
    assert sweep_at(new_york(2026, 11, 30, 16)) == []


def test_public_holidays_of_the_teams_country_are_days_off(make_rule, rep, terms, sales_team):
    sales_team.holiday_country = "US"
    sales_team.save()
    make_rule(members=[rep])

    handoff = do_route(mql(), terms, at=new_york(2026, 11, 25, 15))  # the eve of Thanksgiving

    assert handoff.first_touch_due_at == new_york(2026, 11, 27, 11)


def test_deadlines_follow_the_teams_time_zone(make_rule, rep, terms, sales_team):
    sales_team.time_zone = "Asia/Tokyo"
    sales_team.save()
    make_rule(members=[rep])
    friday_3pm_in_tokyo = dt.datetime(2026, 11, 27, 6, tzinfo=dt.UTC)

    handoff = do_route(mql(), terms, at=friday_3pm_in_tokyo)

    assert handoff.first_touch_due_at == dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC)  # 11:00 JST


def test_the_inbox_counts_down_in_working_hours(handoff, rep):
    with time_machine.travel(SATURDAY, tick=False):
        [item] = inbox_for(rep)

    assert item.handoff == handoff
    assert item.first_touch_left == 2 * HOURS  # Monday 9:00 to 11:00
    assert item.decision_left == 14 * HOURS  # Monday 8 and Tuesday 6
    assert not item.is_overdue


def test_the_inbox_shows_an_overdue_clock_as_negative(handoff, rep):
    [item] = inbox_for(rep, now=new_york(2026, 11, 30, 12))

    assert item.first_touch_left == -1 * HOURS
    assert item.is_overdue


def test_a_stopped_clock_shows_no_time_left(handoff, rep):
    do_accept(handoff, rep)

    [item] = inbox_for(rep, now=SATURDAY)

    assert (item.first_touch_left, item.decision_left) == (None, None)


@pytest.fixture
def rerouting_terms(terms):
    return replace(terms, reassign_on_breach=True)


def test_a_missed_first_touch_goes_to_the_next_rep_when_the_terms_say_so(
    make_rule, rep, other_rep, sales_head, rerouting_terms
):
    make_rule(members=[rep, other_rep])
    missed = do_route(mql(), rerouting_terms, at=FRIDAY)
    moment = new_york(2026, 11, 30, 11, 1)

    with time_machine.travel(moment, tick=False):
        [breach] = do_mark_breaches(terms=rerouting_terms)

    assert breach.alert == [sales_head]
    moved = breach.rerouted_to
    assert moved.assigned_to == other_rep
    assert moved.reason == "Round robin (weight 1), after Ray Rep missed the first touch"
    assert (moved.handed_off_at, moved.first_touch_due_at) == (
        moment,
        new_york(2026, 11, 30, 15, 1),
    )
    missed.refresh_from_db()
    assert missed.status == Handoff.Status.REASSIGNED
    assert missed.first_touch_breached_at == moment
    moved.person.refresh_from_db()
    assert moved.person.owner == other_rep
    assert [item.handoff for item in inbox_for(other_rep)] == [moved]
    assert inbox_for(rep) == []
    assert sweep_at(moment + HOURS) == []


def test_with_nobody_else_free_the_missed_lead_stays_with_its_rep(handoff, rep, rerouting_terms):
    with time_machine.travel(new_york(2026, 11, 30, 12), tick=False):
        [breach] = do_mark_breaches(terms=rerouting_terms)

    assert breach.rerouted_to is None
    handoff.refresh_from_db()
    assert (handoff.status, handoff.assigned_to) == (Handoff.Status.ASSIGNED, rep)
