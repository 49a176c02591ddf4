"""The shared dashboard page and its CSV exports, as a signed-in user reads them."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from tests.factories import CampaignFactory, OpportunityFactory, TouchpointFactory

from accord.crm.models import PipelineStage
from accord.metrics.tests.test_queries import JAN, person

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
def company():
    search = CampaignFactory(name="=Search", cost=Decimal("1000"))
    for index in range(3):
        buyer = person(JAN, ["lead", "mql", "sal", "sql", "opportunity", "customer"])
        TouchpointFactory(person=buyer, campaign=search, occurred_at=JAN)
        OpportunityFactory(
            primary_contact=buyer,
            amount=Decimal("1000") * (index + 1),
            stage=PipelineStage.CLOSED_WON,
            created_date=dt.date(2026, 1, 10),
            close_date=dt.date(2026, 2, 1),
        )
    person(JAN, ["lead", "mql", "disqualified"])


def test_the_dashboard_asks_to_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["marketing_head", "sales_head", "rep", "marketer"])
def test_every_signed_in_user_sees_the_same_numbers(request, client, company, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/dashboard/", PERIOD | {"goal": "12000"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-label="People who reached each stage"' in page
    assert "Attribution compared across models" in page
    funnel = {s.stage: s.people for s in response.context["funnel"].total}
    assert (funnel["mql"], funnel["customer"]) == (4, 3)
    assert response.context["goal"].progress == 0.5
    assert response.context["roi"][0].roi == 6.0


def test_the_number_of_queries_does_not_grow_with_the_data(
    client, marketing_head, django_assert_max_num_queries
):
    client.force_login(marketing_head)
    for _ in range(2):
        person(JAN, ["lead", "mql"])
    with django_assert_max_num_queries(40) as few:
        client.get("/dashboard/", PERIOD)
    for _ in range(20):
        person(JAN, ["lead", "mql", "disqualified"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/dashboard/", PERIOD)


def test_a_new_company_with_no_data_yet_sees_an_empty_dashboard(client, marketer):
    client.force_login(marketer)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert "No won deals in the period." in response.content.decode()
    assert response.context["funnel"].total[0].people == 0


def test_a_segment_filter_narrows_every_section(client, marketing_head, company):
    client.force_login(marketing_head)

    response = client.get("/dashboard/", PERIOD | {"region": "APAC"})

    assert response.context["funnel"].total[0].people == 0
    assert response.context["comparison"].rows == []


def test_the_team_filter_shows_one_side_of_the_sla(client, sales_head, company):
    client.force_login(sales_head)

    page = client.get("/dashboard/", PERIOD | {"team": "sales"}).content.decode()

    assert 'data-testid="sla-sales"' in page
    assert 'data-testid="sla-marketing"' not in page


def test_a_period_that_ends_before_it_starts_is_explained(client, marketer):
    client.force_login(marketer)

    response = client.get("/dashboard/", {"start": "2026-03-01", "end": "2026-01-01"})

    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_each_section_exports_as_csv_with_formulas_neutralised(client, marketer, company):
    client.force_login(marketer)

    roi = client.get("/dashboard/roi.csv", PERIOD | {"model": "last_touch"})
    funnel = client.get("/dashboard/funnel.csv", PERIOD)

    assert roi["Content-Type"].startswith("text/csv")
    assert read_csv(roi) == [
        ["campaign", "cost", "attributed_revenue_last_touch", "roi"],
        ["'=Search", "1000.00", "6000.00", "6.0"],
    ]
    rows = read_csv(funnel)
    assert rows[0] == ["cohort", "stage", "people", "conversion_from_previous"]
    assert ["all", "Customer", "3", "1.0"] in rows
    assert ["2026-01", "Marketing qualified lead", "4", "1.0"] in rows
    for section in ["velocity", "leakage", "sla", "pipeline", "attribution"]:
        assert client.get(f"/dashboard/{section}.csv", PERIOD).status_code == 200
    assert client.get("/dashboard/nothing.csv", PERIOD).status_code == 404
