"""SLA compliance counts a clock only once it is due or stopped: right after the pool is handed
out, clocks with hours left are shown apart as running, not as misses, on the dashboard, the
feedback page, their downloads and the API."""

import csv
import datetime as dt
import io

import pytest
import time_machine

from accord.metrics.tests.test_queries import handoff
from accord.planning.measures import Period, _Readings
from accord.planning.models import Metric

NOW = dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC)
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture
def pool_just_handed_out(sales_team, rep):
    """This morning: one lead touched and accepted in time, one whose first touch is overdue.
    An hour ago the head handed out three more: their clocks have hours left."""
    morning = NOW - dt.timedelta(hours=10)
    worked = {"first_touched_at": morning + dt.timedelta(hours=1)}
    handoff(sales_team, rep, morning, **worked, decided_at=morning + dt.timedelta(hours=2))
    handoff(sales_team, rep, morning)
    for _ in range(3):
        handoff(sales_team, rep, NOW - dt.timedelta(hours=1))


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_api_counts_running_clocks_apart(api_as, marketer, pool_just_handed_out, now):
    [month] = api_as(marketer).get("/metrics/sla", **NOVEMBER).json()["sales"]

    assert month["handoffs"] == 5
    assert (month["first_touch_rate"], month["first_touch_running"]) == (0.5, 3)
    assert (month["decision_rate"], month["decision_running"]) == (1.0, 4)


def test_the_dashboards_sla_panel_shows_the_running_clocks(
    client, marketer, pool_just_handed_out, now
):
    client.force_login(marketer)

    panel = client.get("/dashboard/panels/sla/", NOVEMBER).content.decode()
    rows = list(
        csv.reader(io.StringIO(client.get("/dashboard/sla.csv", NOVEMBER).content.decode()))
    )

    assert '<td>5</td><td>50% <span class="running">(3 running)</span></td>' in panel
    assert '100% <span class="running">(4 running)</span>' in panel
    assert rows[0][4:6] == ["first_touch_running", "decision_running"]
    assert rows[1][:6] == ["2026-11", "5", "0.5", "1.0", "3", "4"]


def test_the_feedback_page_shows_the_running_clocks(client, marketer, pool_just_handed_out, now):
    client.force_login(marketer)

    page = client.get("/feedback/", NOVEMBER).content.decode()
    rows = list(csv.reader(io.StringIO(client.get("/feedback/sla.csv", NOVEMBER).content.decode())))

    assert '<td>5</td><td>50% <span class="running">(3 running)</span></td>' in page
    assert ["sales", "2026-11-01", "5", "0.5", "1.0", "3", "4", "", ""] in rows


def test_a_clock_counts_once_it_is_due(api_as, marketer, pool_just_handed_out):
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        [month] = api_as(marketer).get("/metrics/sla", **NOVEMBER).json()["sales"]

    assert (month["first_touch_rate"], month["first_touch_running"]) == (0.2, 0)
    assert (month["decision_rate"], month["decision_running"]) == (0.2, 0)


def test_the_buying_process_reads_the_same_figure(pool_just_handed_out, now):
    readings = _Readings(Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)))

    assert readings.value(Metric.FIRST_TOUCH_IN_SLA) == "50% of 2 (3 running)"
