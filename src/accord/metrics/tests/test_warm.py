"""The dashboard's attribution worked out ahead (by the demo and the worker) shows at once."""

import datetime as dt
from decimal import Decimal

import pytest

from accord.metrics import queries
from accord.metrics.warm import work_out_default_dashboard

pytestmark = pytest.mark.django_db


def _no_touch_reading(monkeypatch):
    def read(*args, **kwargs):
        raise AssertionError("the panel read every touch again")

    monkeypatch.setattr(queries, "_journeys", read)


def test_worked_out_ahead_the_attribution_panels_show_without_reading_touches(
    client,
    marketer,
    company,
    monkeypatch,
):
    work_out_default_dashboard()
    _no_touch_reading(monkeypatch)
    client.force_login(marketer)

    compared = client.get("/dashboard/panels/attribution/")
    roi = client.get("/dashboard/panels/roi/")

    comparison = compared.context["comparison"]
    for model in comparison.models:  # the three won deals, credited in full by each model
        assert sum(row.revenue[model] for row in comparison.rows) == Decimal("6000.00")
    assert [row.campaign for row in roi.context["roi"]] == ["=Search"]
    assert roi.context["roi"][0].attributed_revenue > 0


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_the_worker_works_the_dashboard_out(client, marketer, company, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    call_command("worker", "--once", stdout=StringIO())
    _no_touch_reading(monkeypatch)
    client.force_login(marketer)

    roi = client.get("/dashboard/panels/roi/")

    assert roi.context["roi"][0].attributed_revenue > 0


def _total(comparison, model="linear"):
    return sum(row.revenue[model] for row in comparison.rows)


def test_worked_out_ahead_any_period_segment_or_journey_answers_without_reading_touches(
    company, monkeypatch
):
    from django.core.cache import cache
    from tests.factories import OpportunityFactory, TouchpointFactory

    from accord.crm.models import PipelineStage
    from accord.metrics import journeys
    from accord.metrics.tests.test_queries import JAN, person

    buyer = person(JAN, ["lead", "customer"], region="APAC")
    TouchpointFactory(person=buyer, occurred_at=JAN)
    OpportunityFactory(
        primary_contact=buyer,
        account=buyer.account,
        amount=Decimal("500"),
        stage=PipelineStage.CLOSED_WON,
        created_date=dt.date(2026, 3, 1),
        close_date=dt.date(2026, 3, 2),
    )
    cache.clear()
    work_out_default_dashboard()

    def read(*args, **kwargs):
        raise AssertionError("the query read every touch again")

    monkeypatch.setattr(journeys, "labelled_journey_touches", read)
    february = {"start": dt.date(2026, 2, 1), "end": dt.date(2026, 2, 28)}
    spring = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)}
    compare = queries.AttributionComparisonQuery

    assert _total(queries.run_attribution_comparison(compare(**february))) == Decimal("6000.00")
    apac = queries.run_attribution_comparison(compare(**spring, region="APAC", by="campaign"))
    assert _total(apac) == Decimal("500.00")
    by_account = queries.run_attribution_comparison(compare(**spring, journey="account"))
    assert _total(by_account, "markov") == Decimal("500.00")  # the only deal on its account
