"""Marketing's side of the SLA: MQLs delivered in a month against the commitment."""

import datetime as dt

import pytest
from tests.factories import PersonFactory

from accord.crm.models import LifecycleStage
from accord.crm.services import do_change_lifecycle_stage
from accord.handoff.selectors import mqls_delivered


def qualify(person, at):
    do_change_lifecycle_stage(person, LifecycleStage.MQL, reason="score", at=at)


def test_mqls_delivered_in_the_month_are_counted_against_the_commitment(db):
    november = [PersonFactory() for _ in range(3)]
    for day, person in enumerate(november, start=1):
        qualify(person, dt.datetime(2026, 11, day, 12, tzinfo=dt.UTC))
    qualify(PersonFactory(), dt.datetime(2026, 10, 31, 23, 59, tzinfo=dt.UTC))
    qualify(PersonFactory(), dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC))
    # recycled to nurture and qualified again in the same month: one MQL, not two
    recycled = november[0]
    do_change_lifecycle_stage(recycled, LifecycleStage.LEAD, reason="rejected")
    qualify(recycled, dt.datetime(2026, 11, 20, tzinfo=dt.UTC))

    delivery = mqls_delivered(dt.date(2026, 11, 15), commitment=5)

    assert (delivery.month, delivery.delivered, delivery.commitment) == (
        dt.date(2026, 11, 1),
        3,
        5,
    )
    assert not delivery.met
    assert delivery.shortfall == 2
    assert mqls_delivered(dt.date(2026, 11, 1), commitment=3).met


def test_the_month_is_taken_in_the_given_time_zone(db):
    qualify(PersonFactory(), dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC))  # Nov 30, 21:00 in NY

    assert mqls_delivered(dt.date(2026, 11, 1), 1, time_zone="America/New_York").delivered == 1
    assert mqls_delivered(dt.date(2026, 11, 1), 1).delivered == 0


def test_a_negative_commitment_is_refused(db):
    with pytest.raises(ValueError, match="cannot be negative"):
        mqls_delivered(dt.date(2026, 11, 1), -1)


def test_a_year_month_by_month_counts_as_each_month_alone(db):
    from accord.handoff.selectors import mqls_delivered_by_month

    def at(day, hour):
        return dt.datetime.combine(day, dt.time(hour, 30), tzinfo=dt.UTC)

    qualify(PersonFactory(), at(dt.date(2026, 10, 31), 23))
    qualify(PersonFactory(), at(dt.date(2026, 11, 1), 0))
    again = PersonFactory()
    qualify(again, at(dt.date(2026, 11, 2), 9))
    do_change_lifecycle_stage(
        again, LifecycleStage.LEAD, reason="recycled", at=at(dt.date(2026, 11, 3), 9)
    )
    qualify(again, at(dt.date(2026, 11, 30), 12))  # requalified: one MQL delivered
    months = [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)]

    by_month = mqls_delivered_by_month(months)

    assert by_month == {dt.date(2026, 10, 1): 1, dt.date(2026, 11, 1): 2}
    assert [by_month.get(m, 0) for m in months] == [mqls_delivered(m, 0).delivered for m in months]
