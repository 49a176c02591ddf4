"""Several leads at once: accept, reject with one reason, reassign; the same rules and audit as
one by one, in one transaction, with what was done and what was refused (and why)."""

import pytest
from django.urls import reverse

from accord.alerts.models import Alert
from accord.audit.models import AuditEntry
from accord.crm.models import LifecycleStage
from accord.handoff.models import Handoff
from accord.handoff.selectors import open_or_closed_handoffs
from accord.handoff.services import HandoffRefused, do_accept, do_bulk, do_reject

HTMX = {"HX-Request": "true"}


@pytest.fixture
def three(lead, rep):
    return [lead(rep, email=f"lead{n}@northwind.example") for n in range(3)]


def chosen(user, handoffs):
    return open_or_closed_handoffs(user, [h.pk for h in handoffs])


def test_a_rep_accepts_several_and_hears_which_were_refused(rep, three):
    do_accept(three[0], rep)

    result = do_bulk(chosen(rep, three), rep, "accept")

    assert [h.pk for h in result.done] == [three[1].pk, three[2].pk]
    assert [(r.handoff_id, r.reason) for r in result.refused] == [
        (three[0].pk, "This lead is already accepted")
    ]
    stages = {h.person.email: h.person.lifecycle_stage for h in chosen(rep, three)}
    assert set(stages.values()) == {LifecycleStage.SAL}


def test_rejecting_several_with_one_reason_is_audited_and_alerted_as_one_by_one(rep, three, lead):
    alone = lead(rep, email="alone@northwind.example")
    do_reject(alone, rep, "no_budget", "", _terms())
    audit_one = _person_audit(alone)
    alerts_before = Alert.objects.filter(event="lead.rejected").count()

    result = do_bulk(chosen(rep, three), rep, "reject", reason_code="no_budget")

    assert len(result.done) == 3 and not result.refused
    for handoff in three:
        handoff.refresh_from_db()
        assert (handoff.status, handoff.reject_reason) == ("rejected", "no_budget")
        assert handoff.person.lifecycle_stage == LifecycleStage.LEAD
        assert handoff.person.owner is None
        assert _person_audit(handoff) == audit_one
    assert Alert.objects.filter(event="lead.rejected").count() == alerts_before + 3


def _person_audit(handoff) -> int:
    return AuditEntry.objects.filter(record_type="person", record_id=str(handoff.person_id)).count()


def _terms():
    from accord.handoff.services import check_terms

    return check_terms()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reason_code": ""}, "reason_code"),
        ({"reason_code": "other", "comment": " "}, "comment"),
    ],
)
def test_a_bulk_rejection_without_a_reason_changes_nothing(rep, three, fields, field):
    with pytest.raises(HandoffRefused) as refused:
        do_bulk(chosen(rep, three), rep, "reject", **fields)

    assert refused.value.field == field
    assert Handoff.objects.filter(status="assigned").count() == 3


def test_the_head_reassigns_several_and_the_clocks_keep_running(rep, other_rep, sales_head, three):
    result = do_bulk(chosen(sales_head, three), sales_head, "reassign", to_rep=other_rep)

    assert len(result.done) == 3 and not result.refused
    for old, new in zip(three, result.done, strict=True):
        assert new.assigned_to == other_rep and new.previous_id == old.pk
        assert new.first_touch_due_at == old.first_touch_due_at
        assert new.person.owner == other_rep


def test_a_rep_may_not_reassign_in_bulk_either(rep, other_rep, three):
    result = do_bulk(chosen(rep, three), rep, "reassign", to_rep=other_rep)

    assert not result.done
    assert {r.reason for r in result.refused} == {"Only the head of Sales may reassign its leads"}
    assert Handoff.objects.filter(assigned_to=rep, status="assigned").count() == 3


def test_a_lead_refused_midway_leaves_nothing_of_itself(rep, three):
    Handoff.objects.filter(pk=three[1].pk).update(status="converted")  # closed meanwhile

    result = do_bulk(chosen(rep, three), rep, "accept")

    assert len(result.done) == 2 and [r.handoff_id for r in result.refused] == [three[1].pk]
    three[1].person.refresh_from_db()
    assert three[1].person.lifecycle_stage == LifecycleStage.MQL


def test_the_inbox_page_acts_on_the_selected_leads(client, rep, other_rep, sales_head, three):
    client.force_login(sales_head)

    answer = client.post(
        reverse("handoff:bulk"),
        {"ids": [h.pk for h in three[:2]], "bulk_action": "reassign", "bulk_to_rep": other_rep.pk},
        headers=HTMX,
    )

    html = answer.content.decode()
    assert answer.status_code == 200 and "Reassigned 2 leads." in html
    assert "3 open leads" in html  # the counts, with the list, as they are now
    assert Handoff.objects.filter(assigned_to=other_rep, status="assigned").count() == 2


def test_the_inbox_page_names_what_a_bulk_action_lacks(client, rep, three):
    client.force_login(rep)

    answer = client.post(
        reverse("handoff:bulk"),
        {"ids": [three[0].pk], "bulk_action": "reject", "bulk_reason": ""},
        headers=HTMX,
    )

    assert answer.status_code == 422
    assert "Choose a reject reason" in answer.content.decode()
    assert "checked" in answer.content.decode()  # the selection is kept


def test_the_api_acts_on_several_leads(api_as, rep, three):
    do_accept(three[0], rep)

    answer = api_as(rep).post(
        "/handoffs/bulk",
        {"action": "accept", "handoff_ids": [h.pk for h in three] + [999999]},
    )

    assert answer.status_code == 200
    body = answer.json()
    assert [item["status"] for item in body["done"]] == ["accepted", "accepted"]
    assert [r["handoff_id"] for r in body["refused"]] == [three[0].pk, 999999]


def test_the_api_names_the_missing_reason(api_as, rep, three):
    answer = api_as(rep).post("/handoffs/bulk", {"action": "reject", "handoff_ids": [three[0].pk]})

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "reason_code"
