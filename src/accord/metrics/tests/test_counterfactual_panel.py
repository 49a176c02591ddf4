"""The dashboard's attribution comparison shows, beside the path models, the revenue each
channel's touches caused (the counterfactual credit), with its interval and its model's fit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from tests.factories import AccountFactory, OpportunityFactory, PersonFactory, TouchpointFactory

from accord.crm.models import PipelineStage
from accord.metrics.tests.test_queries import JAN
from accord.touchpoints.models import Touchpoint

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
def webinar_wins():
    """300 buyers all saw display ads; half also came to a webinar. 120 of the 150 who came won
    a deal worth 1,000 in February, and 15 of the 150 who did not; the others are still buying
    (their touches are recent, within the lookback)."""
    account = AccountFactory(industry="Software", employee_count=120)
    campaign = TouchpointFactory().campaign
    Touchpoint.objects.all().delete()
    touches = []
    recently = timezone.now() - dt.timedelta(days=20)
    for i in range(300):
        buyer = PersonFactory(account=account)
        came = i % 2 == 0
        won = (came and (i // 2) % 5 != 0) or (not came and (i // 2) % 10 == 0)
        at = JAN if won else recently
        touches.append(Touchpoint(person=buyer, campaign=campaign, channel="display",
                                  kind=Touchpoint.Kind.AD_CLICK, occurred_at=at))  # fmt: skip
        if came:
            touches.append(Touchpoint(person=buyer, campaign=campaign, channel="webinar",
                                      kind=Touchpoint.Kind.AD_CLICK,
                                      occurred_at=at + dt.timedelta(days=2)))  # fmt: skip
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


def test_the_comparison_shows_the_revenue_each_channel_caused_with_its_fit(
    client, marketer, webinar_wins
):
    client.force_login(marketer)
    panel = client.get("/dashboard/panels/attribution/", PERIOD)
    comparison = panel.context["comparison"]
    rows = {row.name: row for row in comparison.rows}
    fit = comparison.counterfactual
    assert fit.refused == ""
    webinar, display = rows["webinar"], rows["display"]
    # last touch gives the webinar everything it closed; only the extra wins were caused by it
    assert webinar.caused_low <= webinar.caused <= webinar.caused_high
    assert Decimal("60000") < webinar.caused < webinar.revenue["last_touch"]
    assert display.caused_low <= 0 <= display.caused_high
    assert fit.held_out_auc > 0.7
    assert webinar.caused + display.caused + fit.revenue_without_touches == Decimal("135000.00")
    page = panel.content.decode()
    assert "Caused (counterfactual, 95% interval)" in page
    assert "would have been won with no touch at all" in page


def test_too_few_journeys_show_why_caused_revenue_is_not_shown(client, marketer):
    buyer = PersonFactory()
    OpportunityFactory(
        account=buyer.account,
        primary_contact=buyer,
        stage=PipelineStage.CLOSED_WON,
        created_date=dt.date(2026, 1, 10),
        close_date=dt.date(2026, 2, 1),
    )
    TouchpointFactory(person=buyer, channel="email", occurred_at=JAN)
    client.force_login(marketer)
    page = client.get("/dashboard/panels/attribution/", PERIOD).content.decode()
    assert "Caused revenue is not shown: the counterfactual model needs at least 100" in page
