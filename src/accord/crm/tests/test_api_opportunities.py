import datetime as dt
from decimal import Decimal

from django.utils import timezone
from tests.factories import AccountFactory, OpportunityFactory, PersonFactory

from accord.crm.models import Opportunity


def _ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_money_is_a_decimal_string_beside_its_currency(api_as, rep):
    deal = OpportunityFactory(owner=rep, amount=Decimal("12500.50"), currency="EUR")

    body = api_as(rep).get(f"/opportunities/{deal.pk}").json()

    assert (body["amount"], body["currency"]) == ("12500.50", "EUR")


def test_a_rep_sees_their_deals_and_the_pool_the_head_sees_the_team(
    api_as, rep, other_rep, sales_head
):
    mine = OpportunityFactory(owner=rep)
    theirs = OpportunityFactory(owner=other_rep)
    pool = OpportunityFactory(owner=None)

    assert _ids(api_as(rep).get("/opportunities")) == {mine.pk, pool.pk}
    assert api_as(rep).get(f"/opportunities/{theirs.pk}").status_code == 404
    assert _ids(api_as(sales_head).get("/opportunities")) == {mine.pk, theirs.pk, pool.pk}


def test_a_marketer_reads_deals_but_cannot_change_the_amount(api_as, marketer, rep):
    deal = OpportunityFactory(owner=rep, amount=Decimal("10000.00"))
    api = api_as(marketer)

    assert _ids(api.get("/opportunities")) == {deal.pk}
    response = api.patch(f"/opportunities/{deal.pk}", {"amount": "99999.00"})

    assert response.status_code == 403
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "amount"]
    assert error["msg"] == "marketing may not update an opportunity"
    assert Opportunity.objects.get(pk=deal.pk).amount == Decimal("10000.00")


def test_a_marketer_cannot_create_a_deal(api_as, marketer):
    response = api_as(marketer).post("/opportunities", {"name": "Side deal"})

    assert response.status_code == 403
    assert response.json()["detail"][0]["loc"][-1] == "name"
    assert not Opportunity.objects.exists()


def test_a_rep_creates_a_deal_on_their_account_with_a_contact(api_as, rep):
    account = AccountFactory(owner=rep)
    contact = PersonFactory(owner=rep, account=account)

    response = api_as(rep).post(
        "/opportunities",
        {
            "name": "Acme renewal",
            "account_id": account.pk,
            "primary_contact_id": contact.pk,
            "amount": "48000",
            "currency": "GBP",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["amount"], body["currency"], body["owner_id"]) == ("48000.00", "GBP", rep.pk)
    assert body["primary_contact_id"] == contact.pk


def test_closing_a_deal_dates_it_today_unless_told(api_as, rep):
    deal = OpportunityFactory(owner=rep)

    body = api_as(rep).patch(f"/opportunities/{deal.pk}", {"stage": "closed_won"}).json()

    assert (body["stage"], body["close_date"]) == ("closed_won", timezone.localdate().isoformat())


def test_a_close_date_before_the_deal_was_created_is_refused(api_as, rep):
    deal = OpportunityFactory(owner=rep, created_date=dt.date(2026, 3, 1))

    response = api_as(rep).patch(f"/opportunities/{deal.pk}", {"close_date": "2026-02-01"})

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "close_date"
    assert "before the opportunity was created" in error["msg"]
    assert Opportunity.objects.get(pk=deal.pk).close_date is None


def test_bad_money_is_refused_naming_the_field(api_as, rep):
    api = api_as(rep)

    negative = api.post("/opportunities", {"name": "Deal", "amount": "-5"})
    too_precise = api.post("/opportunities", {"name": "Deal", "amount": "10.005"})
    bad_currency = api.post("/opportunities", {"name": "Deal", "currency": "euro"})

    for response, field in [
        (negative, "amount"),
        (too_precise, "amount"),
        (bad_currency, "currency"),
    ]:
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "payload", field]
    assert not Opportunity.objects.exists()


def test_deals_are_filtered_by_stage(api_as, rep):
    won = OpportunityFactory(owner=rep, stage="closed_won", close_date=timezone.localdate())
    OpportunityFactory(owner=rep, stage="proposal")

    assert _ids(api_as(rep).get("/opportunities", stage="closed_won")) == {won.pk}


def test_listing_deals_takes_a_fixed_number_of_queries(
    api_as, sales_head, rep, other_rep, django_assert_max_num_queries
):
    OpportunityFactory.create_batch(20, owner=rep)
    OpportunityFactory.create_batch(20, owner=other_rep)
    api = api_as(sales_head)
    api.get("/opportunities")

    # the token, the head's team, the count and the page
    with django_assert_max_num_queries(4):
        assert api.get("/opportunities").json()["count"] == 40
