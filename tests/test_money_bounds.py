"""An amount of money has the same bounds on every path: the API, the forms, the services and the
imports refuse one the database could not hold, naming the field, and store nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management.base import CommandError

from accord.crm.models import Opportunity
from accord.crm.services import InvalidChange
from accord.goals.models import RevenueGoal
from accord.goals.services import do_set_goal
from accord.imports.tests.helpers import run_import, write_csv
from accord.touchpoints.models import Campaign

pytestmark = pytest.mark.django_db

TOO_BIG = ["1e20", "1000000000000", 1e40]
NOT_CENTS = ["0.001", "12.345"]


@pytest.mark.parametrize("amount", [*TOO_BIG, *NOT_CENTS, "-5", "NaN"])
def test_the_api_refuses_a_goal_it_could_not_keep_with_422_naming_the_amount(
    client, api_as, sales_head, amount
):
    body = {"period": "month", "day": "2026-07-09", "amount": amount}

    response = api_as(sales_head).post("/goals", body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "amount"
    assert not RevenueGoal.objects.exists()
    client.force_login(sales_head)
    assert client.get("/goals/").status_code == 200


def test_the_largest_amount_with_cents_is_kept_on_every_path(api_as, sales_head):
    response = api_as(sales_head).post(
        "/goals", {"period": "month", "day": "2026-07-09", "amount": "999999999999.99"}
    )

    assert response.status_code == 201
    assert RevenueGoal.objects.get().amount == Decimal("999999999999.99")


@pytest.mark.parametrize("amount", ["1e20", "0.001"])
def test_the_goal_form_refuses_the_same_amounts_beside_the_field(client, sales_head, amount):
    client.force_login(sales_head)

    page = client.post(
        "/goals/set/", {"period": "month", "day": "2026-07-09", "amount": amount, "currency": "USD"}
    )

    assert page.status_code == 400
    assert page.context["goal_form"].errors["amount"]
    assert not RevenueGoal.objects.exists()


@pytest.mark.parametrize("amount", [Decimal("0.001"), Decimal("1e20")])
def test_the_service_refuses_them_too(sales_head, amount):
    with pytest.raises(InvalidChange) as refused:
        do_set_goal(sales_head, period="month", day=dt.date(2026, 7, 9), amount=amount)

    assert refused.value.field == "amount"


@pytest.mark.parametrize("amount", [*TOO_BIG, *NOT_CENTS])
def test_deals_and_campaigns_from_the_api_are_held_to_the_same_bounds(api_as, admin_user, amount):
    api = api_as(admin_user)

    deal = api.post("/opportunities", {"name": "Big", "amount": amount})
    campaign = api.post("/campaigns", {"name": "Loud", "cost": amount})

    assert (deal.status_code, deal.json()["detail"][0]["loc"][-1]) == (422, "amount")
    assert (campaign.status_code, campaign.json()["detail"][0]["loc"][-1]) == (422, "cost")
    assert not Opportunity.objects.exists() and not Campaign.objects.exists()


@pytest.mark.parametrize("amount", ["1e20", "1000000000000", "12.345"])
def test_an_import_refuses_the_same_amounts_naming_row_and_column(tmp_path, amount):
    header = "Record ID,Deal Name,Deal Stage,Amount\n"
    path = write_csv(tmp_path, "deals.csv", f"{header}1,Big deal,closedwon,{amount}\n")

    with pytest.raises(CommandError) as refused:
        run_import(path)

    assert "row 2, column Amount:" in str(refused.value)
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize("amount", ["1e20", "0.001"])
def test_the_deal_and_campaign_pages_refuse_them_beside_the_field(client, admin_user, amount):
    client.force_login(admin_user)
    deal = {"name": "Big", "amount": amount, "currency": "USD", "stage": "prospecting"}
    campaign = {"name": "Loud", "channel": "events", "kind": "webinar", "cost": amount}

    deal_page = client.post("/opportunities/new/", deal)
    campaign_page = client.post("/campaigns/new/", campaign | {"currency": "USD"})

    assert deal_page.status_code == campaign_page.status_code == 400
    assert deal_page.context["forms"][0].errors["amount"]
    assert campaign_page.context["forms"][0].errors["cost"]
    assert not Opportunity.objects.exists() and not Campaign.objects.exists()
