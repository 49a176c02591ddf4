"""Money in several currencies is converted to the reporting currency at the rate of each deal's
close date, wherever a money figure is shown; deals with no rate are left out and named."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.factories import CampaignFactory, OpportunityFactory, PersonFactory, TouchpointFactory

from accord.crm.models import ExchangeRate, PipelineStage
from accord.goals import selectors as s
from accord.goals.services import do_set_goal
from accord.metrics import credit
from accord.metrics import queries as q

pytestmark = pytest.mark.django_db

PERIOD = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)}
RATES = "date,from,to,rate\n2026-01-01,EUR,USD,1.10\n2026-02-01,EUR,USD,1.20\n"


@pytest.fixture
def rates(tmp_path):
    """`accord rates import` of a CSV text; what it says."""

    def run(text: str) -> str:
        path, out = tmp_path / "rates.csv", io.StringIO()
        path.write_text(text)
        call_command("rates", "import", str(path), stdout=out)
        return out.getvalue()

    return run


def won(amount: str, currency: str, day: dt.date, name: str, person=None):
    return OpportunityFactory(
        name=name,
        amount=Decimal(amount),
        currency=currency,
        stage=PipelineStage.CLOSED_WON,
        created_date=day - dt.timedelta(days=10),
        close_date=day,
        primary_contact=person or PersonFactory(),
    )


@pytest.fixture
def deals(rates):
    """1,000 USD; 1,000 EUR in January (1.10) and 1,000 EUR in February (1.20): 3,300 USD.
    500 GBP has no rate and is left out. The February deal's buyer touched the Fair (100 EUR)."""
    assert rates(RATES) == "Kept 2 new rates and replaced 0.\n"
    fair = CampaignFactory(
        name="Fair", cost=Decimal("100"), currency="EUR", start_date=PERIOD["start"]
    )
    CampaignFactory(name="London", cost=Decimal("100"), currency="GBP", start_date=PERIOD["start"])
    buyer = PersonFactory()
    TouchpointFactory(
        person=buyer, campaign=fair, occurred_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    )
    won("1000", "USD", dt.date(2026, 1, 15), "Dollar deal")
    won("1000", "EUR", dt.date(2026, 1, 20), "January euro deal")
    won("1000", "EUR", dt.date(2026, 2, 10), "February euro deal", person=buyer)
    won("500", "GBP", dt.date(2026, 2, 12), "Pound deal")


def test_won_revenue_is_converted_at_each_close_date_and_unconverted_deals_are_named(deals):
    result = q.run_won_revenue(q.WonRevenueQuery(**PERIOD))

    assert (result.currency, result.won_revenue, result.won_deals) == ("USD", Decimal("3300.00"), 3)
    assert result.left_out.deals == 1
    assert [(d.name, d.amount, d.currency) for d in result.left_out.listed] == [
        ("Pound deal", Decimal("500.00"), "GBP")
    ]


def test_a_goal_in_another_currency_is_compared_in_the_reporting_one(deals, sales_head, client):
    goal = do_set_goal(
        sales_head,
        period="quarter",
        day=dt.date(2026, 2, 1),
        amount=Decimal("3000"),
        currency="EUR",
    )

    progress = s.goal_progress(goal)
    client.force_login(sales_head)
    page = client.get("/goals/").content.decode()

    assert (progress.goal, progress.won_revenue, progress.progress) == (
        Decimal("3300.00"),  # 3,000 EUR at the rate of 1 January
        Decimal("3300.00"),
        1.0,
    )
    assert "Won $3,300.00 of the $3,300.00 goal for Q1 2026 (100%)" in page
    assert "The goal was set as €3,000.00." in page
    assert "1 won deal left out: no rate to USD" in page
    assert "Pound deal: £500.00, closed 12 Feb 2026" in page


def test_roi_and_attribution_are_in_the_reporting_currency(deals):
    roi = credit.run_campaign_roi_report(credit.CampaignRoiQuery(**PERIOD, model="linear"))
    comparison = credit.run_attribution_comparison(
        credit.AttributionComparisonQuery(**PERIOD, by="campaign", models=["linear"])
    )

    by_name = {row.campaign: row for row in roi.campaigns}
    assert roi.currency == comparison.currency == "USD"
    assert (by_name["Fair"].cost, by_name["Fair"].attributed_revenue) == (
        Decimal("110.00"),
        Decimal("1200.00"),
    )
    assert by_name["Fair"].roi == pytest.approx(10.9091)
    assert (by_name["London"].cost, by_name["London"].roi) == (None, None)  # no GBP rate
    assert {row.name: row.revenue["linear"] for row in comparison.rows}["Fair"] == Decimal(
        "1200.00"
    )
    assert roi.left_out.deals == comparison.left_out.deals == 1


def test_the_dashboard_shows_the_currency_and_which_deals_are_left_out(deals, client, marketer):
    client.force_login(marketer)
    params = {"start": "2026-01-01", "end": "2026-03-31"}

    pipeline = client.get("/dashboard/panels/pipeline/", params).content.decode()
    roi = client.get("/dashboard/panels/roi/", params).content.decode()

    assert "$3,300.00" in pipeline
    assert "1 deal left out: no rate to USD" in pipeline
    assert "Pound deal: £500.00" in pipeline
    assert "$110.00" in roi and "no rate to USD" in roi


def test_another_reporting_currency_converts_the_other_way(deals, settings):
    settings.REPORTING_CURRENCY = "EUR"

    result = q.run_won_revenue(q.WonRevenueQuery(**PERIOD))

    assert (result.currency, result.won_revenue, result.won_deals) == ("EUR", Decimal("2000.00"), 2)
    assert {d.name for d in result.left_out.listed} == {"Dollar deal", "Pound deal"}


def test_a_rates_file_with_bad_rows_is_refused_whole_naming_each_row(rates):
    text = (
        "date,from,to,rate\n"
        "2026-03-01,GBP,USD,1.27\n"
        "2026-02-30,EUR,USD,1.1\n"
        "2026-03-01,EURO,USD,1.1\n"
        "2026-03-01,EUR,USD,-2\n"
        "2026-03-01,EUR,USD,1e20\n"
    )

    with pytest.raises(CommandError) as refused:
        rates(text)

    message = str(refused.value)
    assert "4 problems; nothing was written" in message
    assert "row 3, column date: '2026-02-30' is not a date" in message
    assert "row 4, column from: 'EURO' is not a three-letter currency code" in message
    assert "row 5, column rate: '-2' is not a rate above zero" in message
    assert "row 6, column rate:" in message
    assert not ExchangeRate.objects.exists()


def test_importing_the_same_day_again_replaces_its_rate(deals, rates):
    assert rates("date,from,to,rate\n2026-02-01,EUR,USD,1.25\n") == (
        "Kept 0 new rates and replaced 1.\n"
    )

    assert q.run_won_revenue(q.WonRevenueQuery(**PERIOD)).won_revenue == Decimal("3350.00")
