"""A campaign goes live only with a plan both heads signed at least the notice period ahead."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accord.planning.selectors import get_notice
from accord.planning.services import (
    NotAllowed,
    check_campaign_may_go_live,
    do_set_notice_days,
    do_sign_plan,
)
from accord.planning.tests.conftest import LAUNCH, at
from accord.touchpoints.models import Campaign
from accord.touchpoints.services import do_update_campaign

ACTIVE = {"status": Campaign.Status.ACTIVE}


def _sign_both_on(day, campaign, marketing_head, sales_head):
    with time_machine.travel(at(day), tick=False):
        do_sign_plan(marketing_head, campaign)
        do_sign_plan(sales_head, campaign)


def _go_live(campaign, **changes):
    with time_machine.travel(at(LAUNCH), tick=False):
        return do_update_campaign(campaign, {**ACTIVE, **changes})


def test_signed_exactly_the_notice_period_ahead_it_goes_live(
    plan, campaign, marketing_head, sales_head
):
    _sign_both_on(LAUNCH - dt.timedelta(days=14), campaign, marketing_head, sales_head)
    assert _go_live(campaign).status == Campaign.Status.ACTIVE


def test_signed_a_day_too_late_it_is_refused_with_the_days_sales_had(
    plan, campaign, marketing_head, sales_head
):
    _sign_both_on(LAUNCH - dt.timedelta(days=13), campaign, marketing_head, sales_head)
    with pytest.raises(ValidationError) as refused:
        _go_live(campaign)
    reason = refused.value.message_dict["status"][0]
    assert "Spring webinar cannot go live on sales unannounced" in reason
    assert (
        "Announced to sales 19 May 2026, 13 days before launch: 14 are needed; "
        "starting 02 Jun 2026 gives them" in reason
    )
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PLANNED


def test_moving_the_launch_later_gives_sales_its_notice(plan, campaign, marketing_head, sales_head):
    _sign_both_on(LAUNCH - dt.timedelta(days=13), campaign, marketing_head, sales_head)
    later = LAUNCH + dt.timedelta(days=1)
    assert _go_live(campaign, start_date=later, end_date=later).status == "active"


def test_the_notice_period_is_the_heads_setting(plan, campaign, marketing_head, sales_head):
    do_set_notice_days(sales_head, 7)
    _sign_both_on(LAUNCH - dt.timedelta(days=7), campaign, marketing_head, sales_head)
    assert _go_live(campaign).status == Campaign.Status.ACTIVE


def test_only_heads_set_the_notice_period(marketer):
    with pytest.raises(NotAllowed):
        do_set_notice_days(marketer, 3)


def test_a_notice_period_beyond_a_year_is_refused(marketing_head):
    with pytest.raises(ValidationError, match="from 0 to 365"):
        do_set_notice_days(marketing_head, 400)


def test_a_plan_awaiting_the_sales_head_keeps_the_campaign_off(plan, campaign, marketing_head):
    with time_machine.travel(at(dt.date(2026, 4, 1)), tick=False):
        do_sign_plan(marketing_head, campaign)
    with pytest.raises(ValidationError, match="Waits for the sales head"):
        _go_live(campaign)


def test_a_campaign_without_a_plan_cannot_go_live(campaign):
    with pytest.raises(ValidationError, match="No plan yet: sales has not been told"):
        _go_live(campaign)


def test_a_campaign_without_a_start_date_cannot_go_live(plan, campaign, marketing_head, sales_head):
    _sign_both_on(dt.date(2026, 4, 1), campaign, marketing_head, sales_head)
    with pytest.raises(ValidationError, match="No start date"):
        _go_live(campaign, start_date=None, end_date=None)


def test_other_changes_and_other_statuses_need_no_plan(campaign):
    check_campaign_may_go_live(campaign, {"name": "Renamed"})
    assert do_update_campaign(campaign, {"status": "cancelled"}).status == "cancelled"


def test_an_unsigned_plan_says_by_when_to_sign(plan):
    notice = get_notice(plan, LAUNCH, 14, today=dt.date(2026, 5, 1))
    assert notice.text == (
        "Waits for the marketing head and the sales head; sign by 18 May 2026 to give sales 14 days"
    )
    assert notice.days == 17
    late = get_notice(plan, LAUNCH, 14, today=dt.date(2026, 5, 20))
    assert late.text.endswith("too late for 14 days of notice before 01 Jun 2026")
