"""The dashboard's attribution worked out ahead (by the demo and the worker) shows at once."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from tests.factories import OpportunityFactory, TouchpointFactory

from accord.crm.models import LifecycleChange, Person, PipelineStage
from accord.metrics import credit, journeys
from accord.metrics.tasks import work_out_dashboard
from accord.metrics.tests.test_queries import JAN, person
from accord.metrics.warm import work_out_default_dashboard
from accord.touchpoints.models import Campaign

pytestmark = pytest.mark.django_db
SPRING = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)}


def _no_touch_reading(monkeypatch):
    def read(*args, **kwargs):
        raise AssertionError("the panel read every touch again")

    monkeypatch.setattr(credit, "_journeys", read)


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
    _won("500", close_date=dt.date(2026, 3, 2), region="APAC")
    cache.clear()
    work_out_default_dashboard()

    def read(*args, **kwargs):
        raise AssertionError("the query read every touch again")

    monkeypatch.setattr(journeys, "labelled_journey_touches", read)
    february = {"start": dt.date(2026, 2, 1), "end": dt.date(2026, 2, 28)}
    compare = credit.AttributionComparisonQuery

    assert _total(credit.run_attribution_comparison(compare(**february))) == Decimal("6000.00")
    apac = credit.run_attribution_comparison(compare(**SPRING, region="APAC", by="campaign"))
    assert _total(apac) == Decimal("500.00")
    by_account = credit.run_attribution_comparison(compare(**SPRING, journey="account"))
    assert _total(by_account, "markov") == Decimal("500.00")  # the only deal on its account


def _won(amount: str, *, close_date=dt.date(2026, 2, 10), region="EMEA"):
    """A buyer touched by the search campaign in January whose deal (on their account) is won."""
    buyer = person(JAN, ["lead", "customer"], region=region)
    TouchpointFactory(person=buyer, campaign=Campaign.objects.get(name="=Search"), occurred_at=JAN)
    OpportunityFactory(
        primary_contact=buyer,
        account=buyer.account,
        amount=Decimal(amount),
        stage=PipelineStage.CLOSED_WON,
        created_date=dt.date(2026, 1, 20),
        close_date=close_date,
    )


def _caused(comparison):
    return sum(row.caused or 0 for row in comparison.rows)


def test_after_a_change_the_path_models_are_current_at_once_and_earlier_caused_credit_says_so(
    company,
):
    work_out_default_dashboard()
    caused_before = _caused(
        credit.run_attribution_comparison(credit.AttributionComparisonQuery(**SPRING))
    )
    _won("4000")
    compare = credit.AttributionComparisonQuery

    earlier = credit.run_attribution_comparison(compare(**SPRING, earlier_ok=True))
    current = credit.run_attribution_comparison(compare(**SPRING))

    assert _total(earlier) == Decimal("10000.00")  # from the rollups, kept up at once
    assert _caused(earlier) == caused_before  # the counterfactual model as fitted before
    assert earlier.data_changed_since and earlier.worked_out_at is not None
    assert _total(current) == Decimal("10000.00")
    assert not current.data_changed_since


def test_after_a_change_earlier_credit_for_the_same_filters_skips_the_journeys(
    company, monkeypatch
):
    work_out_default_dashboard()
    compare = credit.AttributionComparisonQuery
    credit.run_attribution_comparison(compare(**SPRING, earlier_ok=True))
    _won("4000")

    def read(*args, **kwargs):
        raise AssertionError("the query decoded the journeys again")

    monkeypatch.setattr(journeys, "_read", read)
    earlier = credit.run_attribution_comparison(compare(**SPRING, earlier_ok=True))

    assert _total(earlier) == Decimal("10000.00") and earlier.data_changed_since


def _queued_work_outs():
    return DBTaskResult.objects.filter(task_path=work_out_dashboard.module_path).count()


def test_the_roi_panel_is_current_right_after_a_change_without_the_worker(
    client, marketer, company
):
    work_out_default_dashboard()
    _won("4000")
    client.force_login(marketer)

    page = client.get("/dashboard/panels/roi/?start=2026-01-01&end=2026-03-31")

    assert page.context["roi"][0].attributed_revenue == Decimal("10000.00")
    assert "The data has changed since" not in page.content.decode()
    assert "hx-trigger" not in page.content.decode() and _queued_work_outs() == 0


def test_the_panel_shows_earlier_caused_credit_and_asks_the_worker_once(client, marketer, company):
    work_out_default_dashboard()
    _won("4000")
    client.force_login(marketer)
    url = "/dashboard/panels/attribution/?start=2026-01-01&end=2026-03-31"

    first, second = client.get(url), client.get(url)

    assert _total(first.context["comparison"]) == Decimal("10000.00")
    page = first.content.decode()
    assert "The data has changed since" in page
    assert 'hx-trigger="every 20s"' in page  # the panel asks for itself until it is current
    assert second.status_code == 200 and _queued_work_outs() == 1

    work_out_default_dashboard()  # what the queued job runs
    current = client.get(url)

    assert "The data has changed since" not in current.content.decode()
    assert "hx-trigger" not in current.content.decode()


def test_the_api_answers_earlier_credit_only_when_asked(api_as, marketer, company):
    work_out_default_dashboard()
    _won("4000")
    params = {"start": "2026-01-01", "end": "2026-03-31"}

    earlier = api_as(marketer).get("/metrics/attribution", **params, earlier_ok="true").json()
    current = api_as(marketer).get("/metrics/attribution", **params).json()

    assert earlier["data_changed_since"] is True and earlier["worked_out_at"]
    assert _queued_work_outs() == 1
    assert current["data_changed_since"] is False


def test_a_lead_accepted_leaves_the_credit_current(company, monkeypatch):
    work_out_default_dashboard()
    someone = Person.objects.first()
    LifecycleChange.objects.create(person=someone, from_stage="mql", to_stage="sal")
    monkeypatch.setattr(journeys, "labelled_journey_touches", None)  # reading touches would fail

    current = credit.run_attribution_comparison(credit.AttributionComparisonQuery(**SPRING))

    assert not current.data_changed_since and _total(current) == Decimal("6000.00")


def test_a_panel_asks_for_a_work_out_at_most_once_a_minute(client, marketer, company):
    work_out_default_dashboard()
    _won("4000")
    client.force_login(marketer)
    url = "/dashboard/panels/attribution/?start=2026-01-01&end=2026-03-31"
    client.get(url)
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now())
    _won("1000")  # changed again, right after the worker finished

    page = client.get(url).content.decode()

    assert _queued_work_outs() == 1
    assert "reload in a minute" in page and "hx-trigger" not in page


def test_a_work_out_left_running_by_a_killed_worker_does_not_stop_a_new_one(
    client, marketer, company
):
    work_out_default_dashboard()
    _won("4000")
    client.force_login(marketer)
    url = "/dashboard/panels/attribution/?start=2026-01-01&end=2026-03-31"
    client.get(url)  # queues one
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=an_hour_ago)

    page = client.get(url).content.decode()

    assert _queued_work_outs() == 2
    assert 'hx-trigger="every 20s"' in page
