"""What an experiment measured, as assigned: each arm's conversion and revenue since it
started, the lift with its intervals and power, and held-out people reached anyway."""

import datetime as dt
from decimal import Decimal

import pytest
from tests.factories import TouchpointFactory

from accord.crm.models import ExchangeRate
from accord.experiments.selectors import exposed_people, measure_experiment

from .scenes import STARTED, arm, assigned_by_hand, won

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcombes_example():
    """Newcombe's example (a) as an experiment: 56 of 70 exposed and 48 of 80 held out won a
    deal worth 1,000 after it started."""
    experiment = assigned_by_hand(exposed=70, held_out=80)
    for person in arm(experiment, held_out=False)[:56] + arm(experiment, held_out=True)[:48]:
        won(person)
    return experiment


def test_the_lift_is_the_hand_computed_one(newcombes_example):
    measured = measure_experiment(newcombes_example)
    lift = measured.lift
    assert (measured.exposed.people, measured.exposed.converted) == (70, 56)
    assert (measured.held_out.people, measured.held_out.converted) == (80, 48)
    # Newcombe (1998), method 10: 0.2 from 0.0524 to 0.3339
    assert lift.conversion.estimate == pytest.approx(0.2)
    assert (lift.conversion.low, lift.conversion.high) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    # 800 − 600 per person; variances (56 × 1000² − 70 × 800²) / 69 = 162,318.84 and
    # (48 × 1000² − 80 × 600²) / 79 = 243,037.97; error √(162,318.84/70 + 243,037.97/80) = 73.190
    assert lift.revenue_per_person.estimate == pytest.approx(200)
    assert lift.revenue_per_person.low == pytest.approx(200 - 1.959964 * 73.1902, abs=1e-2)
    assert 0 < lift.power < 1


def test_deals_won_before_the_start_do_not_count():
    experiment = assigned_by_hand(exposed=3, held_out=3)
    early, late = arm(experiment, held_out=False)[:2]
    won(early, closed=STARTED.date() - dt.timedelta(days=1))
    won(late, closed=STARTED.date())
    assert measure_experiment(experiment).exposed.converted == 1


def test_a_deal_with_no_rate_converts_but_is_left_out_of_revenue(settings):
    settings.REPORTING_CURRENCY = "USD"
    experiment = assigned_by_hand(exposed=3, held_out=3)
    buyer, other = arm(experiment, held_out=False)[:2]
    won(buyer)
    deal = won(other, amount="500")
    deal.currency = "JPY"
    deal.save(update_fields=["currency"])
    measured = measure_experiment(experiment)
    assert measured.exposed.converted == 2
    assert measured.exposed.revenue == 1000
    assert measured.revenue_left_out == 1
    ExchangeRate.objects.create(
        currency="JPY", quote_currency="USD", day=dt.date(2026, 1, 1), rate=Decimal("0.01")
    )
    assert measure_experiment(experiment).exposed.revenue == 1005


def test_held_out_people_are_never_among_those_a_sending_tool_reads():
    experiment = assigned_by_hand(exposed=4, held_out=3)
    sent_to = set(exposed_people(experiment))
    assert sent_to == set(arm(experiment, held_out=False))
    assert not sent_to & set(arm(experiment, held_out=True))


def test_a_held_out_person_reached_anyway_is_counted_and_stays_held_out():
    experiment = assigned_by_hand(exposed=3, held_out=3)
    reached = arm(experiment, held_out=True)[0]
    TouchpointFactory(person=reached, campaign=experiment.campaign)
    TouchpointFactory(  # before the start: not the experiment's
        person=arm(experiment, held_out=True)[1],
        campaign=experiment.campaign,
        occurred_at=STARTED - dt.timedelta(days=1),
    )
    won(reached)
    measured = measure_experiment(experiment)
    assert measured.reached_held_out == 1
    assert measured.held_out.converted == 1


def test_an_arm_of_one_has_no_lift():
    experiment = assigned_by_hand(exposed=5, held_out=1)
    measured = measure_experiment(experiment)
    assert measured.lift is None
    assert (
        measured.refused == "lift needs at least two people in each arm, and the held-out arm has 1"
    )
