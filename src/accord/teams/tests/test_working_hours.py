"""SLA clocks count working time: a team's hours and days, its holidays, its time zone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.teams.models import Holiday
from accord.teams.selectors import get_working_calendar
from accord.teams.working_hours import WorkingCalendar

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def new_york_sales(holidays=frozenset()):
    return WorkingCalendar("America/New_York", dt.time(9), dt.time(17), holidays=holidays)


def at(year, month, day, hour, minute=0, zone=NEW_YORK):
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone)


def test_hours_inside_one_working_day():
    due = new_york_sales().add_hours(at(2026, 11, 18, 10), 4)  # a Wednesday
    assert due == at(2026, 11, 18, 14)


def test_a_lead_handed_off_friday_afternoon_is_due_monday():
    due = new_york_sales().add_hours(at(2026, 11, 20, 15), 4)  # Friday 15:00, 2 h left that day
    assert due == at(2026, 11, 23, 11)


def test_a_lead_arriving_at_night_starts_counting_next_morning():
    due = new_york_sales().add_hours(at(2026, 11, 17, 22), 1)
    assert due == at(2026, 11, 18, 10)


def test_a_weekend_arrival_starts_counting_monday():
    due = new_york_sales().add_hours(at(2026, 11, 21, 12), 2)  # Saturday
    assert due == at(2026, 11, 23, 11)


def test_holidays_are_skipped():
    thanksgiving = dt.date(2026, 11, 26)
    due = new_york_sales(frozenset({thanksgiving})).add_hours(at(2026, 11, 25, 16), 2)
    assert due == at(2026, 11, 27, 10)


def test_the_clock_runs_in_the_teams_own_time_zone():
    """A London marketer's 17:00 handoff is noon in New York: sales has 5 hours left that day."""
    handoff = dt.datetime(2026, 11, 18, 17, tzinfo=LONDON)
    due = new_york_sales().add_hours(handoff, 6)
    assert due == at(2026, 11, 19, 10)
    assert due.tzinfo == dt.UTC


def test_daylight_saving_change_over_a_weekend():
    """Clocks go back on 1 Nov 2026 in New York: Monday 9:00 is 14:00 UTC, not 13:00."""
    due = new_york_sales().add_hours(at(2026, 10, 30, 16), 2)
    assert due == at(2026, 11, 2, 10)
    assert due == dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC)


def test_working_days_are_whole_working_days():
    due = new_york_sales().add_days(at(2026, 11, 19, 13), 2)  # Thursday 13:00
    assert due == at(2026, 11, 23, 13)


def test_working_time_between_two_moments():
    calendar = new_york_sales()
    assert calendar.between(at(2026, 11, 20, 16), at(2026, 11, 23, 10)) == dt.timedelta(hours=2)
    assert calendar.between(at(2026, 11, 23, 10), at(2026, 11, 20, 16)) == -dt.timedelta(hours=2)


def test_naive_datetimes_and_impossible_calendars_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        new_york_sales().add_hours(dt.datetime(2026, 11, 18, 10), 1)
    with pytest.raises(ValueError, match="end after it starts"):
        WorkingCalendar("UTC", dt.time(17), dt.time(9))
    with pytest.raises(ValueError, match="cannot be negative"):
        new_york_sales().add_hours(at(2026, 11, 18, 10), -1)


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)),
    minutes=st.integers(min_value=0, max_value=60 * 8 * 15),
)
def test_adding_working_time_then_measuring_it_gives_it_back(start, minutes):
    calendar = new_york_sales(frozenset({dt.date(2026, 12, 25), dt.date(2027, 1, 1)}))
    begin = start.replace(tzinfo=dt.UTC)
    due = calendar.add(begin, dt.timedelta(minutes=minutes))
    assert calendar.between(begin, due) == dt.timedelta(minutes=minutes)
    assert due >= begin


def test_a_teams_calendar_has_its_countrys_public_holidays_and_its_own_days_off(sales_team):
    sales_team.holiday_country = "US"
    sales_team.save()
    Holiday.objects.create(
        team=sales_team, date=dt.date(2026, 11, 27), name="Day after Thanksgiving"
    )

    calendar = get_working_calendar(sales_team)

    assert not calendar.is_working_day(dt.date(2026, 11, 26))  # Thanksgiving, a US public holiday
    assert not calendar.is_working_day(dt.date(2026, 11, 27))  # the team's own day off
    assert calendar.add_hours(at(2026, 11, 25, 16), 2) == at(2026, 11, 30, 10)
