"""The joint meeting: an agenda built from the current numbers, action items with owners."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from tests.factories import CampaignFactory, PersonFactory

from accord.crm.services import InvalidChange
from accord.goals.meetings import (
    build_agenda,
    do_add_action_item,
    do_complete_action_item,
    do_record_meeting,
)
from accord.goals.services import do_set_goal
from accord.handoff.models import Handoff, RejectReason
from accord.teams.access import AccessDenied
from accord.touchpoints.models import Campaign

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 20)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def handoff(rep, sales_team, day, **fields) -> Handoff:
    return Handoff.objects.create(
        person=PersonFactory(),
        assigned_to=rep,
        team=sales_team,
        reason="territory",
        handed_off_at=at(day),
        first_touch_due_at=at(day, 14),
        decision_due_at=at(day + dt.timedelta(days=2)),
        **fields,
    )


@pytest.fixture
def numbers(rep, sales_head, sales_team):
    """Two breaches this week, one last month; three rejections, two for no budget; a campaign
    running, one finished; a goal for the quarter."""
    week = TODAY - dt.timedelta(days=2)
    handoff(rep, sales_team, week, first_touch_breached_at=at(week, 15))
    handoff(rep, sales_team, week, decision_breached_at=at(TODAY, 9))
    handoff(
        rep,
        sales_team,
        TODAY - dt.timedelta(days=40),
        decision_breached_at=at(TODAY - dt.timedelta(days=38)),
    )
    for reason in [RejectReason.NO_BUDGET, RejectReason.NO_BUDGET, RejectReason.WRONG_FIT]:
        handoff(
            rep,
            sales_team,
            week,
            status=Handoff.Status.REJECTED,
            reject_reason=reason,
            decided_at=at(week, 12),
        )
    CampaignFactory(name="Spring webinar", status=Campaign.Status.ACTIVE)
    CampaignFactory(name="Winter ads", status=Campaign.Status.COMPLETED)
    do_set_goal(sales_head, period="quarter", day=TODAY, amount=Decimal("50000"))


def test_the_agenda_builds_itself_from_the_numbers_of_the_week(numbers):
    agenda = build_agenda(TODAY)

    assert (agenda.start, agenda.end) == (TODAY - dt.timedelta(days=7), TODAY)
    assert agenda.breaches == 2
    assert [(r.label, r.handoffs) for r in agenda.rejections] == [
        ("No budget", 2),
        ("Wrong fit", 1),
    ]
    assert [c.name for c in agenda.campaigns] == ["Spring webinar"]
    assert agenda.progress.name == "Q2 2026"
    assert agenda.progress.goal == Decimal("50000.00")


def test_the_agenda_covers_the_days_since_the_last_meeting(numbers, sales_head):
    do_record_meeting(sales_head, held_on=TODAY - dt.timedelta(days=20), title="Monthly")

    agenda = build_agenda(TODAY)

    assert agenda.start == TODAY - dt.timedelta(days=20)


def test_action_items_have_owners_and_stay_on_the_agenda_until_done(marketing_head, marketer):
    meeting = do_record_meeting(marketing_head, held_on=TODAY, title="Weekly")
    item = do_add_action_item(
        marketing_head, meeting, text="Refresh the pricing deck", owner=marketer
    )
    assert [i.text for i in build_agenda(TODAY).open_items] == ["Refresh the pricing deck"]

    do_complete_action_item(marketer, item)

    assert build_agenda(TODAY).open_items == []
    with pytest.raises(InvalidChange, match="already done"):
        do_complete_action_item(marketer, item)


def test_a_rep_who_is_not_a_liaison_does_not_run_the_meeting(rep):
    with pytest.raises(AccessDenied):
        do_record_meeting(rep, held_on=TODAY, title="Mine")


def test_a_head_opens_the_meeting_page_with_its_agenda(client, sales_head, rep):
    meeting = do_record_meeting(sales_head, held_on=timezone.localdate(), title="Weekly")
    do_add_action_item(sales_head, meeting, text="Call back the no-budget leads", owner=rep)
    client.force_login(sales_head)

    page = client.get("/meetings/").content.decode()

    assert "Agenda for" in page
    assert "Progress to the shared goal" in page and "Top rejection reasons" in page
    assert "Call back the no-budget leads — Ray Rep" in page


def test_a_head_records_a_meeting_and_adds_an_item_from_the_pages(client, marketing_head, rep):
    client.force_login(marketing_head)

    response = client.post(
        "/meetings/record/", {"held_on": "2026-05-20", "title": "Weekly", "notes": ""}
    )
    items = response["Location"] + "items/"
    client.post(items, {"text": "Share the win stories", "owner": rep.pk, "due_on": "2026-05-27"})

    page = client.get(response["Location"]).content.decode()
    assert "Share the win stories" in page and "2026-05-27" in page
