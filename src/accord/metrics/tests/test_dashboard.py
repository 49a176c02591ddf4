"""The shared dashboard page and its CSV exports, as a signed-in user reads them."""

import csv
import datetime as dt
import html
import io
import re
from decimal import Decimal

import pytest
from tests.factories import (
    AccountFactory,
    OpportunityFactory,
    PersonFactory,
    TouchpointFactory,
)

from accord.crm.models import PipelineStage
from accord.metrics.tests.test_queries import JAN, handoff, person

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


def load(client, params=None):
    """The page and each panel it asks for as it loads, as a browser gets them: all their text
    and the numbers each panel shows."""
    page = client.get("/dashboard/", params)
    assert page.status_code == 200
    text, numbers = page.content.decode(), {}
    panels = [html.unescape(url) for url in re.findall(r'hx-get="([^"]+)"', text)]
    assert len(panels) == 8
    for url in panels:
        response = client.get(url)
        assert response.status_code == 200
        text += response.content.decode()
        shown = ("funnel", "velocity", "leakage", "sla", "comparison", "roi", "pipeline", "goal")
        numbers |= {key: response.context[key] for key in shown if key in response.context}
    return text, numbers


def test_the_dashboard_asks_to_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["marketing_head", "sales_head", "rep", "marketer"])
def test_every_signed_in_user_sees_the_same_numbers(request, client, company, persona):
    client.force_login(request.getfixturevalue(persona))

    page, numbers = load(client, PERIOD)

    assert 'aria-label="People who reached each stage"' in page
    assert "Attribution compared across models" in page
    funnel = {s.stage: s.people for s in numbers["funnel"].total}
    assert (funnel["mql"], funnel["customer"]) == (4, 3)
    assert numbers["goal"] is None  # no shared goal set for the period holding 31 March
    assert numbers["roi"][0].roi == 6.0


def test_the_number_of_queries_does_not_grow_with_the_data(
    client, marketing_head, django_assert_max_num_queries
):
    client.force_login(marketing_head)
    for _ in range(2):
        person(JAN, ["lead", "mql"])
    # the page and its eight panels, each its own request with its session and user
    with django_assert_max_num_queries(64) as few:
        load(client, PERIOD)
    for _ in range(20):
        person(JAN, ["lead", "mql", "disqualified"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        load(client, PERIOD)


def test_a_new_company_with_no_data_yet_sees_an_empty_dashboard(client, marketer):
    client.force_login(marketer)

    page, numbers = load(client)

    assert "No won deals in the period." in page
    assert numbers["funnel"].total[0].people == 0


def test_a_segment_filter_narrows_every_section(client, marketing_head, company):
    client.force_login(marketing_head)

    _, numbers = load(client, PERIOD | {"region": "APAC"})

    assert numbers["funnel"].total[0].people == 0
    assert numbers["comparison"].rows == []


def test_the_team_filter_shows_one_side_of_the_sla(client, sales_head, company):
    client.force_login(sales_head)

    page, _ = load(client, PERIOD | {"team": "sales"})

    assert 'data-testid="sla-sales"' in page
    assert 'data-testid="sla-marketing"' not in page


def test_the_sla_panel_charts_both_teams_month_by_month(client, marketer, sales_team, rep):
    touched = {"first_touched_at": JAN + dt.timedelta(hours=1)}
    handoff(sales_team, rep, JAN, **touched)
    handoff(sales_team, rep, JAN, first_touched_at=JAN + dt.timedelta(hours=5))
    person(JAN, ["lead", "mql"], days=[0, 1])
    client.force_login(marketer)

    page, _ = load(client, PERIOD)

    sales = re.search(r'data-testid="sla-sales-chart".*?</svg>', page, re.S).group()
    assert "Handoffs first touched within the SLA (%)" in sales
    assert re.search(r"Jan 2026</tspan></text>.*?>50</text>", sales, re.S)  # one of the two
    marketing = re.search(r'data-testid="sla-marketing-chart".*?</svg>', page, re.S).group()
    assert re.search(r"Jan 2026</tspan></text>.*?>1</text>", marketing, re.S)


def test_a_period_that_ends_before_it_starts_is_explained(client, marketer):
    client.force_login(marketer)

    response = client.get("/dashboard/", {"start": "2026-03-01", "end": "2026-01-01"})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in page
    assert '<a href="#id_end">To: The period ends before it starts.</a>' in page
    assert 'id="id_end_error"' in page  # beside the field it is about


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_each_section_exports_as_csv_with_formulas_neutralised(client, marketer, company):
    client.force_login(marketer)

    roi = client.get("/dashboard/roi.csv", PERIOD | {"model": "last_touch"})
    funnel = client.get("/dashboard/funnel.csv", PERIOD)

    assert roi["Content-Type"].startswith("text/csv")
    assert read_csv(roi) == [
        ["campaign", "cost", "attributed_revenue_last_touch", "roi", "currency"],
        ["'=Search", "1000.00", "6000.00", "6.0", "USD"],
    ]
    rows = read_csv(funnel)
    assert rows[0] == ["cohort", "stage", "people", "conversion_from_previous"]
    assert ["all", "Customer", "3", "1.0"] in rows
    assert ["2026-01", "Marketing qualified lead", "4", "1.0"] in rows
    for section in ["velocity", "leakage", "sla", "pipeline", "attribution"]:
        assert client.get(f"/dashboard/{section}.csv", PERIOD).status_code == 200
    assert client.get("/dashboard/nothing.csv", PERIOD).status_code == 404


def test_the_page_shows_at_once_and_each_panel_arrives_on_its_own(client, marketer, company):
    client.force_login(marketer)

    page = client.get("/dashboard/", PERIOD).content.decode()

    assert page.count('hx-trigger="load"') == 8
    assert "Counting…" in page
    assert client.get("/dashboard/panels/nothing/", PERIOD).status_code == 404
    assert (
        client.get(
            "/dashboard/panels/funnel/", {"start": "2026-03-01", "end": "2026-01-01"}
        ).status_code
        == 400
    )


def test_attribution_panels_and_exports_take_journeys_by_account(client, marketer):
    """Acme's deal (2,000, no contact named) was won after Ann's e-mail and Bob's event: by
    account, last touch gives the event all of it; by person, no journey converts."""
    acme = AccountFactory(name="Acme")
    ann, bob = PersonFactory(account=acme), PersonFactory(account=acme)
    OpportunityFactory(
        account=acme,
        primary_contact=None,
        amount=Decimal("2000"),
        stage=PipelineStage.CLOSED_WON,
        created_date=dt.date(2026, 1, 10),
        close_date=dt.date(2026, 2, 1),
    )
    TouchpointFactory(person=ann, channel="email", occurred_at=JAN)
    TouchpointFactory(person=bob, channel="events", occurred_at=JAN + dt.timedelta(days=3))
    client.force_login(marketer)

    page = client.get("/dashboard/", PERIOD | {"journey": "account"}).content.decode()
    assert 'value="account" selected' in page
    panel = client.get("/dashboard/panels/attribution/", PERIOD | {"journey": "account"})
    revenue = {row.name: row.revenue for row in panel.context["comparison"].rows}
    assert revenue["events"]["last_touch"] == Decimal("2000.00")
    assert revenue["email"]["first_touch"] == Decimal("2000.00")
    exported = read_csv(client.get("/dashboard/attribution.csv", PERIOD | {"journey": "account"}))
    assert exported[0] == [
        "channel", "first_touch", "last_touch", "linear", "markov", "shapley",
        "counterfactual", "counterfactual_low", "counterfactual_high", "currency",
    ]  # fmt: skip
    assert [
        "events", "0.00", "2000.00", "1000.00", "1000.00", "1000.00", "", "", "", "USD"
    ] in exported  # fmt: skip
    by_person = client.get("/dashboard/panels/attribution/", PERIOD | {"journey": "person"})
    assert by_person.context["comparison"].rows == []


def test_stages_and_channels_show_by_their_labels_and_money_with_its_currency(
    client, company, marketer
):
    client.force_login(marketer)

    velocity = _text(client.get("/dashboard/panels/velocity/", PERIOD))
    leakage = _text(client.get("/dashboard/panels/leakage/", PERIOD))
    attribution = _text(client.get("/dashboard/panels/attribution/", PERIOD))
    roi = _text(client.get("/dashboard/panels/roi/", PERIOD))

    assert "Marketing qualified lead → Sales accepted lead" in velocity
    assert "mql → sal" not in velocity
    assert "Marketing qualified lead" in leakage and "Disqualified" in leakage
    assert "Paid search" in attribution and "paid_search" not in attribution
    assert "$6,000" in attribution  # three won deals, 1,000 + 2,000 + 3,000 dollars
    assert "$1,000.00" in roi  # the campaign's cost


def _text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
