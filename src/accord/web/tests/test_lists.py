"""The lists of people, accounts, deals and campaigns: found by text, filtered, sorted by a
column, fifty to a page with how many match, downloaded as CSV as filtered; each user sees the
rows their role may read, in the same few queries whatever the page holds."""

import csv
import io
from unittest.mock import patch

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains
from tests.factories import AccountFactory, CampaignFactory, OpportunityFactory, PersonFactory

from accord.audit.models import AuditEntry
from accord.crm.models import PipelineStage
from accord.touchpoints.models import Campaign, Channel


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def _names(response) -> list[str]:
    return [row.name for row in response.context["results"].rows]


@pytest.fixture
def book(rep, other_rep):
    """Two reps' accounts and deals, and one in the pool."""
    mine = AccountFactory(
        name="Northwind", domain="northwind.example", industry="Retail", owner=rep
    )
    theirs = AccountFactory(name="Contoso", domain="contoso.example", owner=other_rep)
    pool = AccountFactory(name="Fabrikam", domain="fabrikam.example", industry="Retail")
    OpportunityFactory(name="Northwind renewal", account=mine, owner=rep, amount=5000)
    OpportunityFactory(
        name="Contoso expansion", account=theirs, owner=other_rep, stage=PipelineStage.PROPOSAL
    )
    OpportunityFactory(name="Fabrikam pilot", account=pool, amount=20000)
    return mine, theirs, pool


def test_a_rep_lists_their_own_accounts_and_deals_and_the_pool(client, rep, book):
    client.force_login(rep)

    assert sorted(_names(client.get("/accounts/"))) == ["Fabrikam", "Northwind"]
    assert sorted(_names(client.get("/opportunities/"))) == ["Fabrikam pilot", "Northwind renewal"]


def test_the_sales_head_lists_the_whole_team(client, sales_head, book):
    client.force_login(sales_head)

    deals = client.get("/opportunities/")

    assert sorted(_names(deals)) == ["Contoso expansion", "Fabrikam pilot", "Northwind renewal"]
    assertContains(deals, "1–3 of 3 deals")


def test_lists_filter_by_industry_stage_and_owner(client, sales_head, other_rep, book):
    client.force_login(sales_head)

    retail = client.get("/accounts/", {"industry": "Retail"})
    proposals = client.get("/opportunities/", {"stage": "proposal"})
    pool = client.get("/opportunities/", {"owner": "none"})
    ritas = client.get("/accounts/", {"owner": str(other_rep.pk)})

    assert sorted(_names(retail)) == ["Fabrikam", "Northwind"]
    assert _names(proposals) == ["Contoso expansion"]
    assert _names(pool) == ["Fabrikam pilot"]
    assert _names(ritas) == ["Contoso"]


def test_a_column_header_sorts_and_sorts_back(client, sales_head, book):
    client.force_login(sales_head)

    by_amount = client.get("/opportunities/", {"sort": "amount"})
    largest_first = client.get("/opportunities/", {"sort": "-amount"})

    assert _names(by_amount)[:2] == ["Northwind renewal", "Contoso expansion"]
    assert _names(largest_first)[0] == "Fabrikam pilot"
    assertContains(by_amount, 'aria-sort="ascending"')
    assertContains(by_amount, 'href="?sort=-amount"')  # the header sorts the other way


def test_a_sort_or_page_out_of_range_is_named_not_guessed(client, marketer):
    client.force_login(marketer)

    response = client.get("/people/", {"sort": "salary", "page": "x"})

    assert response.status_code == 400
    assertContains(response, "There is a problem", status_code=400)
    assertContains(response, "Sort by one of: name, email", status_code=400)
    assertContains(response, "Enter a whole number", status_code=400)


def test_people_are_found_by_a_fragment_and_counted_fifty_to_a_page(client, marketer):
    PersonFactory.create_batch(60, last_name="Garcia")
    PersonFactory(email="bo@contoso.example", first_name="Bo", last_name="Berg")
    client.force_login(marketer)

    first = client.get("/people/", {"q": "GARC"})
    second = client.get("/people/", {"q": "garc", "page": "2"})

    assert len(first.context["results"].rows) == 50
    assertContains(first, "1–50 of 60 people")
    assertContains(second, "51–60 of 60 people")
    assertContains(first, 'href="?q=GARC&amp;page=2" rel="next"')
    assertNotContains(first, "bo@contoso.example")


@pytest.mark.parametrize(
    "url, factory",
    [
        ("/people/", PersonFactory.create_batch),
        ("/accounts/", AccountFactory.create_batch),
        ("/opportunities/", OpportunityFactory.create_batch),
        ("/campaigns/", CampaignFactory.create_batch),
    ],
)
@pytest.mark.parametrize("params", [{}, {"sort": "-name"}, {"q": "a"}])
def test_a_list_page_asks_as_many_queries_for_fifty_rows_as_for_five(
    client, sales_head, url, factory, params
):
    client.force_login(sales_head)
    factory(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url, params).status_code == 200

    factory(50)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url, params)

    assert len(response.context["results"].rows) == 50
    assert len(fifty) == len(five)


def test_past_ten_thousand_matches_the_list_says_more_than_and_pages_on(client, marketer):
    from accord.crm import selectors

    PersonFactory.create_batch(60)
    client.force_login(marketer)
    with patch.object(selectors, "COUNT_CAP", 55):
        first = client.get("/people/")
        second = client.get("/people/", {"page": "2"})

    assertContains(first, "1–50 of more than 55 people")
    assertContains(first, 'rel="next"')
    assertContains(second, "51–60 of more than 55 people")
    assertNotContains(second, 'rel="next"')


def test_campaigns_are_listed_for_everyone_by_channel_and_status(client, rep):
    CampaignFactory(name="Spring webinar", channel=Channel.EVENTS, status=Campaign.Status.ACTIVE)
    CampaignFactory(name="Search ads", channel=Channel.PAID_SEARCH)
    client.force_login(rep)

    events = client.get("/campaigns/", {"channel": "events"})
    planned = client.get("/campaigns/", {"status": "planned"})

    assert _names(events) == ["Spring webinar"]
    assert _names(planned) == ["Search ads"]


def test_the_filtered_list_downloads_as_csv_safe_for_a_spreadsheet(client, rep, book):
    AccountFactory(name="=HYPERLINK(evil)", domain="evil.example", industry="Retail")
    client.force_login(rep)

    response = client.get("/accounts/export/", {"industry": "Retail", "sort": "name"})

    rows = _csv(response)
    assert response["Content-Type"].startswith("text/csv")
    assert [row["Account Name"] for row in rows] == ["'=HYPERLINK(evil)", "Fabrikam", "Northwind"]
    export = AuditEntry.objects.get(action="exported", record_id="accounts")
    assert export.actor == rep
    assert export.new_value == "3"
    assert "industry=Retail" in export.reason


def test_a_rep_downloads_only_what_they_may_read(client, rep, book):
    client.force_login(rep)

    rows = _csv(client.get("/opportunities/export/"))

    assert sorted(row["Opportunity Name"] for row in rows) == [
        "Fabrikam pilot",
        "Northwind renewal",
    ]


@pytest.mark.django_db
def test_each_amount_shows_with_its_own_currency(client, sales_head):
    OpportunityFactory(name="Berlin rollout", amount=52200, currency="EUR")
    OpportunityFactory(name="Zurich pilot", amount="1250.5", currency="CHF")
    OpportunityFactory(name="Tokyo trial", amount=300000, currency="JPY")
    OpportunityFactory(name="No amount yet", amount=None)
    CampaignFactory(name="London fair", cost=800, currency="GBP")
    client.force_login(sales_head)

    deals = client.get("/opportunities/")
    campaigns = client.get("/campaigns/")

    assertContains(deals, "€52,200.00")
    assertContains(deals, "CHF\N{NO-BREAK SPACE}1,250.50")
    assertContains(deals, "¥300,000")  # the yen has no cents
    assertContains(campaigns, "£800.00")
