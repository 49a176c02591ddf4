import pytest

from accord.crm.models import LifecycleChange, LifecycleStage
from accord.handoff.models import Handoff
from accord.handoff.routing import do_route
from accord.handoff.services import (
    HandoffClosed,
    HandoffRefused,
    NotAllowed,
    do_accept,
    do_convert,
    do_reassign,
    do_record_first_touch,
    do_reject,
)
from accord.handoff.tests.helpers import mql, new_york

HANDED_OFF = new_york(2026, 11, 30, 10)
LATER = new_york(2026, 11, 30, 11)


@pytest.fixture
def handoff(make_rule, rep, terms):
    make_rule(members=[rep])
    return do_route(mql(), terms, at=HANDED_OFF)


def history(person):
    return list(
        LifecycleChange.objects.filter(person=person).values_list(
            "from_stage", "to_stage", "reason"
        )
    )


def test_accepting_makes_the_lead_sales_accepted(handoff, rep):
    do_accept(handoff, rep, at=LATER)

    assert handoff.status == Handoff.Status.ACCEPTED
    assert handoff.decided_at == LATER
    assert handoff.first_touched_at == LATER  # accepting is a touch
    assert history(handoff.person) == [("mql", "sal", "accepted by rep")]
    assert LifecycleChange.objects.get(person=handoff.person).changed_by == rep


def test_accepting_keeps_an_earlier_first_touch(handoff, rep):
    do_record_first_touch(handoff, rep, at=HANDED_OFF)
    do_record_first_touch(handoff, rep, at=LATER)
    do_accept(handoff, rep, at=LATER)

    assert handoff.first_touched_at == HANDED_OFF


def test_a_rejected_lead_goes_back_to_nurture_and_leaves_the_rep(handoff, rep, terms):
    do_reject(handoff, rep, "bad_timing", "Budget cycle starts in Q3", terms, at=LATER)

    assert handoff.status == Handoff.Status.REJECTED
    assert (handoff.reject_reason, handoff.comment) == ("bad_timing", "Budget cycle starts in Q3")
    handoff.person.refresh_from_db()
    assert handoff.person.lifecycle_stage == LifecycleStage.LEAD
    assert handoff.person.owner is None
    assert history(handoff.person) == [("mql", "lead", "rejected by rep: bad timing")]


def test_the_agreement_decides_which_rejections_disqualify(handoff, rep, terms):
    do_reject(handoff, rep, "wrong_fit", "", terms)

    handoff.person.refresh_from_db()
    assert handoff.person.lifecycle_stage == LifecycleStage.DISQUALIFIED


def test_a_recycled_lead_can_be_routed_again_later(handoff, rep, terms):
    do_reject(handoff, rep, "bad_timing", "", terms)
    person = handoff.person
    person.lifecycle_stage = LifecycleStage.MQL
    person.save()

    again = do_route(person, terms)

    assert again != handoff
    assert Handoff.objects.filter(person=person).count() == 2


@pytest.mark.parametrize(
    ("code", "comment", "field"),
    [("", "no answer", "reason_code"), ("hot", "", "reason_code"), ("other", "  ", "comment")],
)
def test_a_rejection_needs_a_reason(handoff, rep, terms, code, comment, field):
    with pytest.raises(HandoffRefused) as refused:
        do_reject(handoff, rep, code, comment, terms)

    assert refused.value.field == field
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.ASSIGNED
    assert history(handoff.person) == []


def test_other_with_a_comment_is_a_valid_rejection(handoff, rep, terms):
    do_reject(handoff, rep, "other", "Student project", terms)

    assert handoff.reject_reason == "other"


def test_converting_passes_through_sal_to_sql(handoff, rep):
    do_convert(handoff, rep, at=LATER)

    assert handoff.status == Handoff.Status.CONVERTED
    assert history(handoff.person) == [
        ("mql", "sal", "accepted by rep"),
        ("sal", "sql", "converted by rep"),
    ]


def test_an_accepted_lead_converts_to_sql(handoff, rep):
    do_accept(handoff, rep, at=HANDED_OFF)
    do_convert(handoff, rep, at=LATER)

    assert handoff.decided_at == HANDED_OFF
    handoff.person.refresh_from_db()
    assert handoff.person.lifecycle_stage == LifecycleStage.SQL


def test_another_rep_cannot_act_on_my_lead(handoff, other_rep, terms):
    for act in (
        lambda: do_accept(handoff, other_rep),
        lambda: do_record_first_touch(handoff, other_rep),
        lambda: do_reject(handoff, other_rep, "no_budget", "", terms),
        lambda: do_convert(handoff, other_rep),
    ):
        with pytest.raises(NotAllowed, match="assigned to Ray Rep"):
            act()

    handoff.refresh_from_db()
    assert (handoff.status, handoff.first_touched_at) == (Handoff.Status.ASSIGNED, None)


def test_the_team_head_may_act_for_the_rep(handoff, sales_head):
    do_accept(handoff, sales_head)

    assert LifecycleChange.objects.get(person=handoff.person).changed_by == sales_head


def test_the_marketing_head_may_not_act(handoff, marketing_head):
    with pytest.raises(NotAllowed):
        do_accept(handoff, marketing_head)


def test_a_closed_handoff_refuses_every_action(handoff, rep, sales_head, other_rep, terms):
    do_convert(handoff, rep)

    for act in (
        lambda: do_accept(handoff, rep),
        lambda: do_reject(handoff, rep, "no_budget", "", terms),
        lambda: do_convert(handoff, rep),
        lambda: do_reassign(handoff, sales_head, other_rep),
    ):
        with pytest.raises(HandoffClosed, match="closed \\(converted\\)"):
            act()


def test_accepting_twice_is_refused(handoff, rep):
    do_accept(handoff, rep)

    with pytest.raises(HandoffRefused, match="already accepted"):
        do_accept(handoff, rep)


def test_the_head_reassigns_a_lead_and_the_sla_clock_keeps_running(
    handoff, rep, other_rep, sales_head
):
    do_record_first_touch(handoff, rep, at=LATER)

    moved = do_reassign(handoff, sales_head, other_rep)

    assert handoff.status == Handoff.Status.REASSIGNED
    assert moved.assigned_to == other_rep
    assert moved.previous == handoff
    assert moved.reason == "Reassigned by Sam Head from Ray Rep"
    assert (moved.handed_off_at, moved.first_touched_at) == (HANDED_OFF, LATER)
    assert moved.first_touch_due_at == handoff.first_touch_due_at
    assert moved.decision_due_at == handoff.decision_due_at
    moved.person.refresh_from_db()
    assert moved.person.owner == other_rep
    with pytest.raises(NotAllowed):
        do_accept(moved, rep)  # the old rep no longer holds it
    do_accept(moved, other_rep)


def test_only_the_head_reassigns(handoff, rep, other_rep):
    with pytest.raises(NotAllowed, match="Only the head of Sales may reassign"):
        do_reassign(handoff, rep, other_rep)
    assert handoff.status == Handoff.Status.ASSIGNED


def test_a_lead_is_reassigned_only_within_the_team(handoff, sales_head, marketer):
    with pytest.raises(HandoffRefused, match="not an active member of Sales"):
        do_reassign(handoff, sales_head, marketer)
