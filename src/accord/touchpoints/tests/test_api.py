import datetime as dt
from decimal import Decimal

import pytest
from tests.factories import CampaignFactory, PersonFactory, TouchpointFactory

from accord.touchpoints.models import Campaign, Touchpoint


def _ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


# --- campaigns --------------------------------------------------------------------------------


def test_everyone_reads_campaigns_with_cost_as_a_decimal_string(api_as, rep):
    campaign = CampaignFactory(cost=Decimal("2500.00"), currency="EUR")

    body = api_as(rep).get(f"/campaigns/{campaign.pk}").json()

    assert (body["name"], body["cost"], body["currency"]) == (campaign.name, "2500.00", "EUR")


def test_a_marketer_creates_and_changes_a_campaign(api_as, marketer, marketing_team):
    api = api_as(marketer)

    created = api.post(
        "/campaigns",
        {
            "name": "Spring webinar",
            "kind": "webinar",
            "channel": "email",
            "cost": 1200,
            "start_date": "2026-04-01",
            "end_date": "2026-04-30",
            "owner_team_id": marketing_team.pk,
        },
    )
    assert created.status_code == 201
    # Going live needs a plan both heads signed in time: the joint plan's tests cover it.
    changed = api.patch(f"/campaigns/{created.json()['id']}", {"status": "completed"})

    assert changed.status_code == 200
    body = changed.json()
    assert (body["status"], body["cost"], body["owner_team_id"]) == (
        "completed",
        "1200.00",
        marketing_team.pk,
    )


@pytest.mark.parametrize("persona", ["rep", "sales_head"])
def test_sales_cannot_create_or_change_campaigns(api_as, request, persona):
    api = api_as(request.getfixturevalue(persona))
    campaign = CampaignFactory(cost=Decimal("100.00"))

    created = api.post("/campaigns", {"name": "Rogue"})
    changed = api.patch(f"/campaigns/{campaign.pk}", {"cost": "0"})

    assert (created.status_code, changed.status_code) == (403, 403)
    assert changed.json()["detail"][0]["loc"] == ["body", "payload", "cost"]
    assert Campaign.objects.get().cost == Decimal("100.00")


def test_a_campaign_name_is_unique_and_cannot_end_before_it_starts(api_as, marketer):
    CampaignFactory(name="Launch")
    api = api_as(marketer)

    duplicate = api.post("/campaigns", {"name": "Launch"})
    backwards = api.post(
        "/campaigns", {"name": "Later", "start_date": "2026-05-01", "end_date": "2026-04-01"}
    )

    assert duplicate.status_code == 409
    assert duplicate.json()["detail"][0]["loc"][-1] == "name"
    assert backwards.status_code == 422
    assert backwards.json()["detail"][0]["loc"][-1] == "end_date"
    assert Campaign.objects.count() == 1


def test_campaigns_are_filtered_by_status_and_channel(api_as, rep):
    active = CampaignFactory(status="active", channel="email")
    CampaignFactory(status="active", channel="paid_search")
    CampaignFactory(status="planned", channel="email")

    assert _ids(api_as(rep).get("/campaigns", status="active", channel="email")) == {active.pk}


# --- touchpoints ------------------------------------------------------------------------------


def test_a_rep_sees_the_touchpoints_of_people_they_can_see(api_as, rep, other_rep, marketer):
    mine = TouchpointFactory(person=PersonFactory(owner=rep))
    pool = TouchpointFactory(person=PersonFactory(owner=None))
    theirs = TouchpointFactory(person=PersonFactory(owner=other_rep))

    assert _ids(api_as(rep).get("/touchpoints")) == {mine.pk, pool.pk}
    assert api_as(rep).get(f"/touchpoints/{theirs.pk}").status_code == 404
    assert _ids(api_as(marketer).get("/touchpoints")) == {mine.pk, pool.pk, theirs.pk}


def test_a_touch_without_a_channel_is_named_by_the_channel_rules(api_as, marketer):
    person = PersonFactory()

    response = api_as(marketer).post(
        "/touchpoints",
        {
            "person_id": person.pk,
            "kind": "ad_click",
            "utm_source": "google",
            "utm_medium": "cpc",
            "occurred_at": "2026-03-02T10:15:00+01:00",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["channel"] == "paid_search"
    assert body["occurred_at"] == "2026-03-02T09:15:00Z"


def test_a_given_channel_is_kept(api_as, rep):
    person = PersonFactory(owner=rep)

    response = api_as(rep).post(
        "/touchpoints",
        {"person_id": person.pk, "kind": "call", "channel": "sales_outreach"},
    )

    assert response.status_code == 201
    assert response.json()["channel"] == "sales_outreach"


def test_a_rep_cannot_record_a_touch_on_another_reps_person(api_as, rep, other_rep):
    theirs = PersonFactory(owner=other_rep)

    response = api_as(rep).post("/touchpoints", {"person_id": theirs.pk, "kind": "call"})

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "payload", "person_id"],
            "msg": f"No person with id {theirs.pk}",
            "type": "unknown_reference",
        }
    ]
    assert not Touchpoint.objects.exists()


def test_a_touch_stays_with_its_person(api_as, marketer):
    touch = TouchpointFactory()
    other = PersonFactory()

    response = api_as(marketer).patch(f"/touchpoints/{touch.pk}", {"person_id": other.pk})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "person_id"]


def test_a_touch_time_needs_a_time_zone(api_as, marketer):
    person = PersonFactory()

    response = api_as(marketer).post(
        "/touchpoints",
        {"person_id": person.pk, "kind": "page_view", "occurred_at": "2026-03-02T10:15:00"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "occurred_at"]


def test_touchpoints_are_filtered_by_person_and_time(api_as, marketer):
    person = PersonFactory()
    early = TouchpointFactory(person=person, occurred_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    late = TouchpointFactory(person=person, occurred_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    TouchpointFactory(occurred_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    api = api_as(marketer)

    assert _ids(api.get("/touchpoints", person_id=person.pk)) == {early.pk, late.pk}
    since = api.get("/touchpoints", person_id=person.pk, occurred_since="2026-01-15T00:00:00Z")
    assert _ids(since) == {late.pk}


def test_listing_touchpoints_and_campaigns_takes_a_fixed_number_of_queries(
    api_as, rep, django_assert_max_num_queries
):
    for person in PersonFactory.create_batch(10, owner=rep):
        TouchpointFactory.create_batch(3, person=person)
    api = api_as(rep)
    api.get("/touchpoints")

    with django_assert_max_num_queries(3):
        assert api.get("/touchpoints").json()["count"] == 30
    with django_assert_max_num_queries(3):
        assert api.get("/campaigns").json()["count"] == 30
