"""The joint plan over JSON, and a campaign kept from going live through the campaigns API."""

import datetime as dt

import pytest
import time_machine

from accord.planning.services import do_set_notice_days, do_sign_plan
from accord.planning.tests.conftest import LAUNCH, at
from accord.touchpoints.models import Campaign


def _put(caller, path, body):
    """Write a plan: PUT creates it or changes the fields sent."""
    return caller._send("put", path, body)


def test_a_marketer_writes_a_plan_and_both_heads_sign_it(
    api_as, campaign, marketer, marketing_head, sales_head
):
    written = _put(
        api_as(marketer),
        f"/planning/campaign-plans/{campaign.pk}",
        {"objective": "Forty MQLs", "buying_stage": "consideration", "sales_material": "Deck"},
    )
    assert written.status_code == 200, written.content
    body = written.json()
    assert body["buying_stage"] == "consideration"
    assert body["notice"]["state"] == "unsigned"
    assert body["marketing_signature"] is None

    with time_machine.travel(at(dt.date(2026, 5, 1))):
        api_as(marketing_head).post(f"/planning/campaign-plans/{campaign.pk}/sign", {})
        signed = api_as(sales_head).post(f"/planning/campaign-plans/{campaign.pk}/sign", {})
    assert signed.status_code == 200
    body = signed.json()
    assert body["marketing_signature"]["signer"] == "Maria Head"
    assert body["sales_signature"]["signer"] == "Sam Head"
    assert body["notice"] | {"text": ""} == {
        "state": "in_time",
        "text": "",
        "notice_days": 14,
        "days": 31,
        "sign_by": "2026-05-18",
        "may_go_live": True,
    }

    again = api_as(sales_head).post(f"/planning/campaign-plans/{campaign.pk}/sign", {})
    assert again.status_code == 409
    assert "already signed" in again.json()["detail"]


def test_only_heads_sign_and_only_marketing_writes(api_as, plan, campaign, rep, sales_head):
    assert api_as(rep).post(f"/planning/campaign-plans/{campaign.pk}/sign", {}).status_code == 403
    refused = _put(
        api_as(sales_head), f"/planning/campaign-plans/{campaign.pk}", {"objective": "Mine"}
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Campaign plans are written by marketing"


def test_unknown_fields_and_stages_are_refused_by_name(api_as, campaign, marketer):
    answer = _put(
        api_as(marketer), f"/planning/campaign-plans/{campaign.pk}", {"objective": "x", "budget": 5}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "budget"
    answer = _put(
        api_as(marketer), f"/planning/campaign-plans/{campaign.pk}", {"buying_stage": "retention"}
    )
    assert answer.status_code == 422


def test_the_list_reads_each_plan_with_its_notice(
    api_as, plan, campaign, rep, marketing_head, django_assert_max_num_queries
):
    do_set_notice_days(marketing_head, 30)
    caller = api_as(rep)
    with django_assert_max_num_queries(5):
        answer = caller.get("/planning/campaign-plans")
    assert answer.json()["count"] == 1
    (item,) = answer.json()["items"]
    assert item["campaign"] == "Spring webinar"
    assert item["notice"]["notice_days"] == 30


def test_a_campaign_without_a_plan_answers_404(api_as, rep, db):
    from tests.factories import CampaignFactory

    other = CampaignFactory()
    assert api_as(rep).get(f"/planning/campaign-plans/{other.pk}").status_code == 404


def test_going_live_through_the_campaigns_api_is_refused_with_the_reason(
    api_as, plan, campaign, marketer, marketing_head
):
    do_sign_plan(marketing_head, campaign)
    answer = api_as(marketer).patch(f"/campaigns/{campaign.pk}", {"status": "active"})
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body", "payload", "status"]
    assert (
        "Spring webinar cannot go live on sales unannounced. Waits for the sales head"
        in (error["msg"])
    )
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PLANNED


def test_a_campaign_announced_in_time_goes_live_through_the_api(
    api_as, plan, campaign, marketer, marketing_head, sales_head
):
    with time_machine.travel(at(LAUNCH - dt.timedelta(days=20))):
        do_sign_plan(marketing_head, campaign)
        do_sign_plan(sales_head, campaign)
    caller = api_as(marketer)
    with time_machine.travel(at(LAUNCH)):
        answer = caller.patch(f"/campaigns/{campaign.pk}", {"status": "active"})
    assert answer.status_code == 200, answer.content


def test_a_campaign_cannot_be_created_already_live(api_as, marketer):
    answer = api_as(marketer).post(
        "/campaigns", {"name": "Surprise launch", "status": "active", "start_date": "2026-06-02"}
    )
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body", "payload", "status"]
    assert "cannot go live on sales unannounced. No plan yet" in error["msg"]
    assert not Campaign.objects.filter(name="Surprise launch").exists()


def test_the_admin_cannot_put_a_campaign_live_unannounced(client, admin_user, campaign):
    client.force_login(admin_user)
    url = f"/admin/touchpoints/campaign/{campaign.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(status="active", cost=str(campaign.cost), currency=campaign.currency)

    answer = client.post(url, data)

    assert answer.status_code == 200
    assert "cannot go live on sales unannounced" in answer.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PLANNED


@pytest.fixture
def running(db):
    from tests.factories import CampaignFactory

    return CampaignFactory(name="Running", status=Campaign.Status.ACTIVE)


def test_reps_rate_and_marketing_lists_the_ratings(api_as, running, rep, other_rep, marketer):
    path = f"/planning/campaigns/{running.pk}/ratings"
    assert api_as(rep).post(path, {"useful": True, "comment": "Great"}).status_code == 201
    replaced = api_as(rep).post(path, {"useful": False})
    assert replaced.status_code == 201
    assert replaced.json()["useful"] is False
    api_as(other_rep).post(path, {"useful": True, "comment": "Booked a demo"})

    listed = api_as(marketer).get(path).json()
    assert sorted((r["rep"], r["useful"]) for r in listed) == [
        ("Ray Rep", False),
        ("Rita Rep", True),
    ]
    assert [r["rep"] for r in api_as(other_rep).get(path).json()] == ["Rita Rep"]
    refused = api_as(marketer).post(path, {"useful": True})
    assert refused.status_code == 403
    assert api_as(rep).post(path, {"comment": "no verdict"}).status_code == 422
