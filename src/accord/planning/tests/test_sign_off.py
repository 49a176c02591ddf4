"""Both heads sign a campaign plan, each once; a change after a signature clears them."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accord.alerts.models import Notification
from accord.alerts.services import do_send_due
from accord.planning.models import PlanningEvent
from accord.planning.services import NotAllowed, PlanningRefused, do_sign_plan, do_write_plan
from accord.touchpoints.models import Campaign


def test_the_plan_is_announced_to_sales_when_the_second_head_signs(
    plan, campaign, marketing_head, sales_head, rep, marketer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed = do_sign_plan(marketing_head, campaign)
    assert signed.marketing_signed_by == marketing_head
    assert signed.announced_at is None
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        signed = do_sign_plan(sales_head, campaign)
    assert signed.signed_by_both
    assert signed.announced_at == signed.sales_signed_at
    do_send_due()
    assert sorted(m.to[0] for m in mail.outbox) == [rep.email, sales_head.email]
    assert mail.outbox[0].subject == "New campaign for sales: Spring webinar"
    assert "A one-page comparison with the incumbent" in mail.outbox[0].body
    told = Notification.objects.filter(alert__event="campaign.announced").select_related("alert")
    assert sorted(n.recipient_id for n in told) == sorted([rep.pk, sales_head.pk])
    assert {n.alert.link for n in told} == {f"/planning/campaigns/{campaign.pk}/"}


def test_each_head_signs_once(plan, campaign, sales_head):
    do_sign_plan(sales_head, campaign)
    with pytest.raises(PlanningRefused, match="sales head has already signed"):
        do_sign_plan(sales_head, campaign)


@pytest.mark.parametrize("who", ["marketer", "rep", "admin_user"])
def test_only_the_heads_sign(plan, campaign, who, request):
    with pytest.raises(NotAllowed, match="Only the marketing head and the sales head"):
        do_sign_plan(request.getfixturevalue(who), campaign)


def test_a_campaign_without_a_plan_has_nothing_to_sign(campaign, marketing_head):
    with pytest.raises(PlanningRefused, match="no plan to sign"):
        do_sign_plan(marketing_head, campaign)


def test_a_change_after_a_signature_clears_the_signatures(
    plan, campaign, marketer, marketing_head, sales_head
):
    do_sign_plan(marketing_head, campaign)
    do_sign_plan(sales_head, campaign)

    changed = do_write_plan(marketer, campaign, {"objective": "Sixty MQLs"})

    assert changed.marketing_signed_at is None and changed.sales_signed_at is None
    assert changed.announced_at is None
    cleared = PlanningEvent.objects.get(kind=PlanningEvent.Kind.SIGNATURES_CLEARED)
    assert cleared.detail == "changed: objective"
    do_sign_plan(marketing_head, campaign)  # signs again what changed


def test_saving_the_same_plan_again_keeps_the_signatures(plan, campaign, marketer, sales_head):
    do_sign_plan(sales_head, campaign)
    kept = do_write_plan(marketer, campaign, {"objective": plan.objective})
    assert kept.sales_signed_by == sales_head


def test_only_marketing_writes_plans(campaign, rep, sales_head):
    for user in (rep, sales_head):
        with pytest.raises(NotAllowed, match="written by marketing"):
            do_write_plan(user, campaign, {"objective": "More leads"})


def test_a_plan_says_what_the_campaign_should_achieve(campaign, marketer):
    with pytest.raises(ValidationError) as refused:
        do_write_plan(marketer, campaign, {"objective": "  ", "audience": "CFOs"})
    assert "objective" in refused.value.message_dict


def test_a_live_campaigns_plan_stays_as_sales_got_it(plan, campaign, marketer):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.ACTIVE)
    with pytest.raises(PlanningRefused, match="is active"):
        do_write_plan(marketer, campaign, {"objective": "Something else"})
