"""The search in the header: people, accounts, deals and campaigns matching a fragment, grouped
by kind, among what the user may read, in the same few queries whatever matches."""

from unittest.mock import patch

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains
from tests.factories import AccountFactory, CampaignFactory, OpportunityFactory, PersonFactory


@pytest.fixture
def northwind(rep):
    account = AccountFactory(name="Northwind Traders", domain="northwind.example", owner=rep)
    PersonFactory(
        email="ana@northwind.example",
        first_name="Ana",
        last_name="Garcia",
        account=account,
        owner=rep,
    )
    OpportunityFactory(name="Northwind renewal", account=account, owner=rep)
    CampaignFactory(name="Northwind retail webinar")
    return account


def _found(response, noun: str) -> list[str]:
    group = next(g for g in response.context["groups"] if g["noun"] == noun)
    return [row.name for row in group["found"].rows]


def test_one_fragment_finds_a_person_an_account_a_deal_and_a_campaign(client, rep, northwind):
    client.force_login(rep)

    response = client.get("/search/", {"q": "NORTHW"})

    assert _found(response, "people") == ["Ana Garcia"]
    assert _found(response, "accounts") == ["Northwind Traders"]
    assert _found(response, "deals") == ["Northwind renewal"]
    assert _found(response, "campaigns") == ["Northwind retail webinar"]
    assertContains(response, "4 found for “NORTHW”")
    assertContains(response, f'href="/accounts/{northwind.pk}/"')


def test_another_reps_records_are_not_found(client, other_rep, northwind):
    client.force_login(other_rep)

    response = client.get("/search/", {"q": "northwind"})

    assert _found(response, "people") == _found(response, "accounts") == []
    assert _found(response, "deals") == []
    assert _found(response, "campaigns") == ["Northwind retail webinar"]  # everyone's
    assertNotContains(response, "ana@northwind.example")


def test_a_group_links_to_its_list_holding_every_match(client, marketer):
    PersonFactory.create_batch(12, last_name="Lindqvist")
    client.force_login(marketer)

    response = client.get("/search/", {"q": "lindq"})

    assert len(_found(response, "people")) == 10
    assertContains(response, 'href="/people/?q=lindq">All 12 people matching “lindq”</a>')


def test_the_search_asks_as_many_queries_for_fifty_matches_as_for_five(client, marketer):
    def matches(n: int) -> None:
        PersonFactory.create_batch(n, last_name="Lindqvist")
        AccountFactory.create_batch(n, name=factory.Sequence(lambda i: f"Lindqvist {i} AB"))
        OpportunityFactory.create_batch(n, name="Lindqvist deal")
        CampaignFactory.create_batch(n, name=factory.Sequence(lambda i: f"Lindqvist {i}"))

    client.force_login(marketer)
    matches(5)
    with CaptureQueriesContext(connection) as five:
        client.get("/search/", {"q": "lindq"})

    matches(45)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get("/search/", {"q": "lindq"})

    assert [len(g["found"].rows) for g in response.context["groups"]] == [10, 10, 10, 10]
    assert len(fifty) == len(five)


def test_past_ten_thousand_matches_the_search_says_more_than(client, marketer):
    from accord.crm import selectors

    PersonFactory.create_batch(12, last_name="Lindqvist")
    client.force_login(marketer)
    with patch.object(selectors, "COUNT_CAP", 11):
        response = client.get("/search/", {"q": "lindq"})

    assertContains(response, "People (more than 11)")
    assertContains(response, "All the people matching")


def test_a_search_too_long_is_refused_with_the_reason(client, rep):
    client.force_login(rep)

    response = client.get("/search/", {"q": "x" * 101})

    assertContains(response, "at most 100 characters", status_code=400)


def test_the_header_holds_the_search_box(client, rep):
    client.force_login(rep)

    assertContains(client.get("/"), 'role="search" action="/search/"')
