"""The dashboard's attribution worked out ahead (by the demo and the worker) shows at once."""

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
