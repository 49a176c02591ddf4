import datetime as dt

from tests.factories import CampaignFactory, PersonFactory

from accord.agreement.models import LeadScore
from accord.crm.models import Person
from accord.touchpoints.models import Touchpoint

AT = "2026-03-02T09:00:00+00:00"


def touch(email, **fields):
    return {"email": email, "occurred_at": AT, "type": "page_view", **fields}


def test_a_batch_records_every_touch_makes_unknown_people_and_the_worker_scores_them(
    capture, agreement_in_force, run_worker
):
    known = PersonFactory(email="ann@northwind.example")
    webinar = CampaignFactory(name="March webinar")
    batch = [
        touch("ANN@northwind.example", utm_source="newsletter", utm_medium="email"),
        touch("bo@contoso.example", type="event", campaign="March webinar"),
        touch("Bo@Contoso.example", referrer="https://www.bing.com/"),
    ]

    response = capture.post("/touchpoints/batch", {"touchpoints": batch})

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert (answer["accepted"], answer["people_created"]) == (3, 1)
    touches = Touchpoint.objects.filter(pk__in=answer["touchpoint_ids"]).order_by("pk")
    bo = Person.objects.get(email__iexact="bo@contoso.example")
    assert [(t.person, t.kind, t.channel, t.campaign) for t in touches] == [
        (known, "page_view", "email", None),
        (bo, "event", "direct", webinar),
        (bo, "page_view", "organic_search", None),
    ]
    assert touches[0].occurred_at == dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    assert bo.account.domain == "contoso.example"
    assert answer["status"] == "received"
    assert sorted(c["person_id"] for c in answer["captures"]) == sorted([known.pk, bo.pk])
    assert not LeadScore.objects.filter(person__in=[known, bo]).exists()

    run_worker()

    assert set(LeadScore.objects.values_list("person_id", flat=True)) >= {known.pk, bo.pk}


def test_a_bad_item_refuses_the_whole_batch_naming_its_index_and_field(capture):
    batch = [touch("ann@northwind.example"), touch("bo@contoso.example", type="sneeze")]

    response = capture.post("/touchpoints/batch", {"touchpoints": batch})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-3:] == ["touchpoints", 1, "type"]
    assert not Person.objects.exists() and not Touchpoint.objects.exists()


def test_an_unknown_campaign_refuses_the_whole_batch(capture):
    batch = [touch("ann@northwind.example"), touch("bo@contoso.example", campaign="Nope")]

    response = capture.post("/touchpoints/batch", {"touchpoints": batch})

    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "payload", "touchpoints", 1, "campaign"]
    assert "Nope" in detail["msg"]
    assert not Person.objects.exists() and not Touchpoint.objects.exists()


def test_a_batch_is_bounded(capture):
    too_many = [touch(f"p{n}@northwind.example") for n in range(1001)]

    assert capture.post("/touchpoints/batch", {"touchpoints": too_many}).status_code == 422
    assert capture.post("/touchpoints/batch", {"touchpoints": []}).status_code == 422
    assert not Touchpoint.objects.exists()


def test_a_retried_batch_is_recorded_once_and_a_reused_key_is_refused(capture):
    body = {"touchpoints": [touch("ann@northwind.example"), touch("bo@contoso.example")]}

    first = capture.post("/touchpoints/batch", body, key="batch-7")
    retry = capture.post("/touchpoints/batch", body, key="batch-7")
    other = capture.post(
        "/touchpoints/batch", {"touchpoints": body["touchpoints"][:1]}, key="batch-7"
    )

    assert retry.json() == first.json()
    assert other.status_code == 409
    assert Touchpoint.objects.count() == 2


def test_the_single_touchpoint_endpoint_still_takes_personal_tokens(api_as, marketer, capture):
    person = PersonFactory()

    created = api_as(marketer).post("/touchpoints", {"person_id": person.pk, "kind": "page_view"})
    refused = capture.post("/touchpoints", {"person_id": person.pk, "kind": "page_view"})

    assert (created.status_code, refused.status_code) == (201, 403)
    assert refused.json()["detail"][0]["type"] == "insufficient_scope"
