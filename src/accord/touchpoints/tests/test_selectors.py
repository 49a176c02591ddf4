"""Touchpoints per channel in a period, as the home page shows them."""

import datetime as dt

import pytest
from tests.factories import TouchpointFactory

from accord.touchpoints.models import Channel
from accord.touchpoints.selectors import ChannelCount, get_touchpoints_per_channel

MARCH = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
APRIL = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)


def _touches(channel, n, at):
    TouchpointFactory.create_batch(n, channel=channel, occurred_at=at)


def test_touchpoints_per_channel_in_a_month_busiest_first(db, django_assert_num_queries):
    _touches(Channel.EMAIL, 2, MARCH)
    _touches(Channel.PAID_SEARCH, 3, MARCH + dt.timedelta(days=10))
    _touches(Channel.ORGANIC_SEARCH, 2, APRIL - dt.timedelta(microseconds=1))
    _touches(Channel.REFERRAL, 4, APRIL)  # the next period
    _touches(Channel.DISPLAY, 1, MARCH - dt.timedelta(seconds=1))  # the period before

    with django_assert_num_queries(1):
        counts = get_touchpoints_per_channel(MARCH, APRIL)

    assert counts == [
        ChannelCount(channel="paid_search", label="Paid search", touchpoints=3),
        ChannelCount(channel="organic_search", label="Organic search", touchpoints=2),
        ChannelCount(channel="email", label="Email", touchpoints=2),
    ]


def test_a_period_without_touches_has_no_channels(db):
    _touches(Channel.EMAIL, 1, APRIL)

    assert get_touchpoints_per_channel(MARCH, APRIL) == []


def test_a_period_that_ends_before_it_starts_is_refused(db):
    with pytest.raises(ValueError, match="The period ends .* before it starts"):
        get_touchpoints_per_channel(APRIL, MARCH)
