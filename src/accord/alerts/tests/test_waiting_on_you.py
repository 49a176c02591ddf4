"""What waits on a person without an e-mail: a draft or a plan to sign, a clock about to run
out. Each rings the bell of the person it waits on, once, after the change commits."""

import datetime as dt

import pytest
from django.db import transaction
from tests.factories import CampaignFactory, TouchpointFactory

from accord.agreement.services import do_create_draft, do_edit
from accord.agreement.tests.conftest import document_data
from accord.alerts.models import Delivery, Notification
from accord.crm.models import Person
from accord.handoff.models import Handoff
from accord.handoff.routing import do_route
from accord.handoff.services import do_reject, do_warn_clocks_running_out
from accord.handoff.tests.helpers import mql
from accord.planning.services import do_sign_plan, do_write_plan

# Monday 7 December 2026, 10:00 in New York, where the sales team works 9 to 5.
MONDAY_TEN = dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC)
FRIDAY_FOUR = dt.datetime(2026, 12, 4, 21, 0, tzinfo=dt.UTC)


class Undo(Exception):
    pass


def _rung(event: str) -> list[int]:
    return sorted(
        Notification.objects.filter(alert__event=event).values_list("recipient_id", flat=True)
    )


def test_a_new_draft_waits_on_both_heads_in_their_bell_without_mail(
    marketer, marketing_head, sales_head
):
    draft = do_create_draft(marketer, document_data())

    assert _rung("agreement.to_sign") == sorted([marketing_head.pk, sales_head.pk])
    [notification] = Notification.objects.filter(recipient=sales_head)
    assert notification.alert.subject == f"Agreement v{draft.number} awaits your signature"
    assert notification.alert.link == f"/agreement/{draft.number}/"
    assert not Delivery.objects.exists()


def test_the_head_who_drafts_is_not_asked_to_sign_and_an_edit_asks_nobody_again(
    marketing_head, sales_head
):
    draft = do_create_draft(marketing_head, document_data())
    do_edit(draft, marketing_head, document_data(threshold={"min_total": 70}))

    assert _rung("agreement.to_sign") == [sales_head.pk]


def test_a_rolled_back_draft_rings_nobody(marketer, marketing_head, sales_head):
    with pytest.raises(Undo), transaction.atomic():
        do_create_draft(marketer, document_data())
        raise Undo

    assert not Notification.objects.exists()


def test_a_plan_waits_on_both_heads_and_again_when_a_change_clears_a_signature(
    marketer, marketing_head, sales_head
):
    campaign = CampaignFactory(name="Spring webinar")
    do_write_plan(marketer, campaign, {"objective": "Forty MQLs"})
    do_write_plan(marketer, campaign, {"objective": "Fifty MQLs"})  # nobody signed yet
    assert _rung("plan.to_sign") == sorted([marketing_head.pk, sales_head.pk])

    do_sign_plan(marketing_head, campaign)
    do_write_plan(marketer, campaign, {"objective": "Sixty MQLs"})

    assert _rung("plan.to_sign") == sorted([marketing_head.pk, sales_head.pk] * 2)
    latest = Notification.objects.filter(recipient=sales_head).select_related("alert").first()
    assert latest.alert.subject == "Campaign plan awaits your signature: Spring webinar"
    assert "the signatures it had are cleared" in latest.alert.text
    assert latest.alert.link == f"/planning/campaigns/{campaign.pk}/"
    assert not Delivery.objects.filter(alert__event="plan.to_sign").exists()


def _routed_due(rep, first_touch_due_at, decision_due_at, terms, email="ann@northwind.example"):
    handoff = do_route(mql(email=email, first_name="Ann", last_name="Lee"), terms)
    Handoff.objects.filter(pk=handoff.pk).update(
        first_touch_due_at=first_touch_due_at, decision_due_at=decision_due_at
    )
    return handoff


def test_a_clock_running_out_within_two_working_hours_rings_the_rep_once(
    round_robin, rep, sales_head, terms
):
    soon = _routed_due(
        rep, MONDAY_TEN + dt.timedelta(hours=1), MONDAY_TEN + dt.timedelta(days=2), terms
    )
    _routed_due(
        rep,
        MONDAY_TEN + dt.timedelta(hours=3),
        MONDAY_TEN + dt.timedelta(days=2),
        terms,
        email="later@northwind.example",
    )
    Notification.objects.all().delete()

    assert do_warn_clocks_running_out(MONDAY_TEN) == 1
    assert do_warn_clocks_running_out(MONDAY_TEN + dt.timedelta(minutes=1)) == 0  # next tick

    [notification] = Notification.objects.select_related("alert")
    assert notification.recipient == rep
    assert notification.alert.subject == "Due by 16:00 UTC: first touch of Ann Lee"
    assert notification.alert.link == f"/inbox/{soon.pk}/"
    assert not Delivery.objects.filter(alert=notification.alert).exists()


def test_a_lead_the_crm_deleted_warns_nobody(round_robin, rep, terms):
    handoff = _routed_due(
        rep, MONDAY_TEN + dt.timedelta(hours=1), MONDAY_TEN + dt.timedelta(days=2), terms
    )
    Person.objects.filter(pk=handoff.person_id).update(archived_at=MONDAY_TEN)

    assert do_warn_clocks_running_out(MONDAY_TEN) == 0


def test_two_working_hours_skip_the_night_and_the_weekend(round_robin, rep, terms):
    monday_ten_new_york = MONDAY_TEN
    _routed_due(rep, monday_ten_new_york, monday_ten_new_york + dt.timedelta(days=2), terms)
    Notification.objects.all().delete()

    assert do_warn_clocks_running_out(FRIDAY_FOUR) == 1  # Friday 4 pm: one hour left, then Monday


def test_a_touched_lead_is_warned_of_its_decision_clock_only(round_robin, rep, terms):
    handoff = _routed_due(
        rep, MONDAY_TEN + dt.timedelta(hours=1), MONDAY_TEN + dt.timedelta(hours=1), terms
    )
    Handoff.objects.filter(pk=handoff.pk).update(first_touched_at=MONDAY_TEN)
    Notification.objects.all().delete()

    assert do_warn_clocks_running_out(MONDAY_TEN) == 1
    assert Notification.objects.get().alert.data["clock"] == "decision"


def test_a_rejection_rings_the_team_that_owns_the_campaign_the_lead_came_through(
    round_robin, rep, terms, marketing_team, marketing_head, marketer
):
    handoff = do_route(mql(first_name="Ann", last_name="Lee"), terms)
    campaign = CampaignFactory(name="Spring webinar", owner_team=marketing_team)
    TouchpointFactory(person=handoff.person, campaign=campaign)

    do_reject(handoff, rep, "no_budget", "", terms)

    assert _rung("lead.rejected") == sorted([marketing_head.pk, marketer.pk])
    notification = Notification.objects.filter(recipient=marketer).select_related("alert").get()
    assert "Came through: Spring webinar." in notification.alert.text
    # in the marketer's bell only, until they ask for the e-mail too (the head is e-mailed)
    mailed = Delivery.objects.filter(alert=notification.alert).values_list("email", flat=True)
    assert list(mailed) == [marketing_head.email]
