"""The dashboard's experiments: each one's lift, interval, power and sizes, and the caused
revenue of a channel with an experiment calibrated to what it measured."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from tests.factories import AccountFactory, CampaignFactory, OpportunityFactory, PersonFactory

from accord.crm.models import PipelineStage
from accord.experiments.models import Assignment, Experiment
from accord.metrics.tests.test_queries import JAN
from accord.touchpoints.models import Channel, Touchpoint

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
def event_holdout():
    return summit_holdout()


def summit_holdout() -> Experiment:
    """300 buyers all saw display ads; the 150 the event campaign exposed came to it, the 150
    it held out did not. 120 of those who came won a deal worth 1,000 in February, and 15 of
    those held out; the others are still buying."""
    account = AccountFactory(industry="Software", employee_count=120)
    event = CampaignFactory(name="Customer summit", channel=Channel.EVENTS)
    display = CampaignFactory(name="Always-on display", channel=Channel.DISPLAY)
    experiment = Experiment.objects.create(
        campaign=event,
        held_out_share=Decimal("0.5"),
        seed=4,
        started_at=dt.datetime(2025, 12, 20, tzinfo=dt.UTC),
    )
    touches, arms = [], []
    recently = timezone.now() - dt.timedelta(days=20)
    for i in range(300):
        buyer = PersonFactory(account=account)
        came = i % 2 == 0
        won = (came and (i // 2) % 5 != 0) or (not came and (i // 2) % 10 == 0)
        at = JAN if won else recently
        touches.append(Touchpoint(person=buyer, campaign=display, channel=Channel.DISPLAY,
                                  kind=Touchpoint.Kind.AD_CLICK, occurred_at=at))  # fmt: skip
        if came:
            touches.append(Touchpoint(person=buyer, campaign=event, channel=Channel.EVENTS,
                                      kind=Touchpoint.Kind.EVENT,
                                      occurred_at=at + dt.timedelta(days=2)))  # fmt: skip
        arms.append(Assignment(experiment=experiment, person=buyer, stratum="x", held_out=not came))
        if won:
            OpportunityFactory(
                account=account,
                primary_contact=buyer,
                amount=Decimal("1000"),
                stage=PipelineStage.CLOSED_WON,
                created_date=dt.date(2026, 1, 10),
                close_date=dt.date(2026, 2, 1),
            )
    Touchpoint.objects.bulk_create(touches)
    Assignment.objects.bulk_create(arms)
    return experiment


def test_each_experiment_shows_its_lift_interval_power_and_sizes(
    client, marketing_head, event_holdout
):
    client.force_login(marketing_head)
    panel = client.get("/dashboard/panels/experiments/", PERIOD)
    (row,) = panel.context["report"].experiments
    assert (row.exposed_people, row.held_out_people) == (150, 150)
    assert (row.exposed_rate, row.held_out_rate) == (0.8, 0.1)
    assert row.conversion_lift.estimate == pytest.approx(0.7)
    assert row.conversion_lift.low < 0.7 < row.conversion_lift.high
    assert row.revenue_lift.estimate == pytest.approx(700)
    assert row.power > 0.99
    page = panel.content.decode()
    assert "Customer summit" in page and "+70.0 points" in page
    assert 'aria-label="Conversion rate of each arm (%)"' in page


def test_the_events_credit_is_calibrated_to_its_experiment(client, marketing_head, event_holdout):
    client.force_login(marketing_head)
    report = client.get("/dashboard/panels/experiments/", PERIOD).context["report"]
    comparison = client.get("/dashboard/panels/attribution/", PERIOD).context["comparison"]
    caused = {row.name: row.caused for row in comparison.rows}
    (events,) = report.calibrations
    assert events.channel == Channel.EVENTS and events.journeys == 150
    # 700 more won per person the summit may reach, over the 150 journeys events touched
    assert events.calibrated == Decimal("105000.00")
    assert events.counterfactual == caused[Channel.EVENTS]  # the attribution panel's figure
    assert events.moved == events.calibrated - events.counterfactual
    assert events.calibrated_low < events.calibrated < events.calibrated_high


def test_without_experiments_the_panel_says_where_to_start_one(client, marketer):
    client.force_login(marketer)
    page = client.get("/dashboard/panels/experiments/", PERIOD).content.decode()
    assert "No experiments yet" in page
