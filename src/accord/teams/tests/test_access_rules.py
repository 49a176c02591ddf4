"""The access table of `teams.access`, persona by persona, as issue 7 and the pages describe it.

Each row reads: the rule, then whether it lets each persona through (Y) or refuses them (N).
The personas are those of the demo company: a sales rep, a marketer, a marketer named liaison to
sales, the sales head, the marketing head, and an admin (a superuser in no team).
"""

import datetime as dt

import pytest
from django.utils import timezone
from tests.factories import PersonFactory

from accord.goals import access as goals_access
from accord.goals.models import ActionItem, Meeting
from accord.handoff import access as handoff_access
from accord.handoff.models import Handoff
from accord.teams import access
from accord.teams.models import User

PERSONAS = ("rep", "marketer", "liaison", "sales head", "marketing head", "admin")
Y, N = True, False


def row(*answers: bool) -> dict[str, bool]:
    """One row of the table: each persona's answer, in the order of PERSONAS."""
    return dict(zip(PERSONAS, answers, strict=True))


RULES = [
    # rule                              rep marketer liaison s.head m.head admin
    # the joint plan
    (access.may_edit_buying_process,    N,  N,       N,      Y,     Y,     Y),
    (access.may_write_campaign_plan,    N,  Y,       Y,      N,     Y,     Y),
    (access.may_sign_campaign_plan,     N,  N,       N,      Y,     Y,     N),
    (access.may_rate_campaign,          Y,  N,       N,      N,     N,     N),
    (access.sees_every_rating,          N,  Y,       Y,      Y,     Y,     Y),
    # the shared mindset
    (access.may_answer_mindset,         Y,  Y,       Y,      Y,     Y,     N),
    (access.may_start_mindset_round,    N,  N,       N,      Y,     Y,     Y),
    (access.may_read_mindset_wordings,  N,  N,       N,      Y,     Y,     Y),
    # the relationship assessment
    (access.may_answer_assessment,      Y,  Y,       Y,      Y,     Y,     N),
    (access.may_run_assessment_rounds,  N,  N,       N,      Y,     Y,     Y),
    # the agreement
    (access.may_propose_agreement,      Y,  Y,       Y,      Y,     Y,     Y),
    (access.may_sign_agreement,         N,  N,       N,      Y,     Y,     N),
    # goals, rewards, the people and the joint meeting
    (access.may_steer_goals,            N,  N,       N,      Y,     Y,     Y),
    (access.may_visit_other_team,       Y,  Y,       Y,      Y,     Y,     N),
    (access.may_run_joint_meeting,      N,  N,       Y,      Y,     Y,     Y),
    (access.takes_part,                 Y,  Y,       Y,      Y,     Y,     N),
    # the inbox
    (access.may_pick_team_reps,         N,  N,       N,      Y,     N,     N),
    # the audit trail and the menu
    (access.may_read_audit_trail,       N,  N,       N,      N,     N,     Y),
    (access.sees_inbox_in_menu,         Y,  N,       N,      Y,     Y,     N),
    (access.sees_feedback_in_menu,      N,  Y,       Y,      Y,     Y,     N),
    (access.sees_admin_in_menu,         N,  N,       N,      N,     N,     Y),
    # imports (files change every team's records)
    (access.may_import,                 N,  N,       N,      Y,     Y,     Y),
]  # fmt: skip


@pytest.fixture
def liaison(marketing_team):
    return User.objects.create_user(
        "marketer2@demo.accord",
        team=marketing_team,
        role=User.Role.MARKETER,
        is_liaison=True,
        full_name="Lia Liaison",
    )


@pytest.fixture
def personas(rep, marketer, liaison, sales_head, marketing_head, admin_user):
    users = (rep, marketer, liaison, sales_head, marketing_head, admin_user)
    return dict(zip(PERSONAS, users, strict=True))


@pytest.mark.parametrize(
    ("rule", "expected"), [(rule, row) for rule, *row in RULES], ids=[r[0].__name__ for r in RULES]
)
def test_each_rule_lets_through_exactly_the_personas_of_its_row(personas, rule, expected):
    answers = {name: rule(user) for name, user in personas.items()}

    assert answers == row(*expected)


def test_the_two_heads_sign_for_their_own_team_and_nobody_else_signs(personas):
    assert {name: access.signing_team(user) for name, user in personas.items()} == {
        "rep": None,
        "marketer": None,
        "liaison": None,
        "sales head": "sales",
        "marketing head": "marketing",
        "admin": None,
    }


def test_a_head_without_a_team_signs_nothing_and_picks_no_reps(db):
    loose = User.objects.create_user("head@demo.accord", role=User.Role.HEAD)

    assert access.signing_team(loose) is None
    assert not access.may_pick_team_reps(loose)
    assert access.may_steer_goals(loose)  # the goals are steered by any head, as before


def test_pay_is_seen_by_oneself_by_the_head_of_the_team_and_by_an_admin(personas, other_rep):
    rep, marketer = personas["rep"], personas["marketer"]
    seen = {
        name: (access.may_see_pay_of(v, rep), access.may_see_pay_of(v, marketer))
        for name, v in personas.items()
    }
    # viewer:          (the rep's pay, the marketer's pay)
    assert seen == {
        "rep": (Y, N),
        "marketer": (N, Y),
        "liaison": (N, N),
        "sales head": (Y, N),
        "marketing head": (N, Y),
        "admin": (Y, Y),
    }
    assert not access.may_see_pay_of(other_rep, rep)


def test_a_head_names_the_liaisons_of_their_own_team_an_admin_of_both(
    personas, sales_team, marketing_team
):
    named = {
        name: (
            access.may_name_liaisons_in(user, sales_team.pk),
            access.may_name_liaisons_in(user, marketing_team.pk),
        )
        for name, user in personas.items()
    }
    # who:             (sales' liaisons, marketing's liaisons)
    assert named == {
        "rep": (N, N),
        "marketer": (N, N),
        "liaison": (N, N),
        "sales head": (Y, N),
        "marketing head": (N, Y),
        "admin": (Y, Y),
    }


def test_an_action_item_is_closed_by_its_owner_and_by_whoever_runs_the_meeting(personas):
    meeting = Meeting.objects.create(held_on=dt.date(2026, 12, 1), title="Weekly")
    item = ActionItem.objects.create(
        meeting=meeting, text="Refresh the deck", owner=personas["rep"]
    )

    closes = {
        name: goals_access.may_complete_action_item(user, item) for name, user in personas.items()
    }

    assert closes == row(Y, N, Y, Y, Y, Y)


@pytest.fixture
def handoffs(rep, other_rep, sales_team):
    now = timezone.now()

    def handoff(to):
        return Handoff.objects.create(
            person=PersonFactory(),
            assigned_to=to,
            team=sales_team,
            reason="round robin",
            handed_off_at=now,
            first_touch_due_at=now,
            decision_due_at=now,
        )

    return handoff(rep), handoff(other_rep)


def test_the_inbox_holds_a_reps_own_leads_the_sales_heads_team_and_all_for_an_admin(
    personas, handoffs
):
    mine, theirs = handoffs
    seen = {
        name: set(Handoff.objects.filter(handoff_access.inbox_scope(user)))
        for name, user in personas.items()
    }

    assert seen == {
        "rep": {mine},
        "marketer": set(),
        "liaison": set(),
        "sales head": {mine, theirs},
        "marketing head": set(),
        "admin": {mine, theirs},
    }


def test_a_lead_is_worked_by_its_rep_or_their_head_and_reassigned_by_the_head_only(
    personas, handoffs, other_rep
):
    mine, _ = handoffs
    acts = {name: handoff_access.may_act_on_handoff(user, mine) for name, user in personas.items()}
    reassigns = {
        name: handoff_access.may_reassign_handoff(user, mine) for name, user in personas.items()
    }

    assert acts == row(Y, N, N, Y, N, N)
    assert reassigns == row(N, N, N, Y, N, N)
    assert not handoff_access.may_act_on_handoff(other_rep, mine)


def test_a_head_who_left_neither_reassigns_nor_acts_on_the_teams_leads(sales_head, handoffs):
    mine, _ = handoffs
    sales_head.is_active = False

    assert not handoff_access.may_reassign_handoff(sales_head, mine)
    assert not handoff_access.may_act_on_handoff(sales_head, mine)


def test_a_lead_goes_only_to_an_active_member_of_its_team(personas, handoffs, other_rep):
    mine, _ = handoffs
    receives = {
        name: handoff_access.may_receive_handoff(user, mine) for name, user in personas.items()
    }

    assert receives == row(Y, N, N, Y, N, N)
    other_rep.is_active = False
    assert not handoff_access.may_receive_handoff(other_rep, mine)


def test_the_sales_head_picks_from_the_teams_active_reps_and_nobody_else_picks(personas, other_rep):
    other_rep.is_active = False
    other_rep.save(update_fields=["is_active"])
    picks = {name: set(access.team_reps_for(user)) for name, user in personas.items()}

    assert picks == {
        "rep": set(),
        "marketer": set(),
        "liaison": set(),
        "sales head": {personas["rep"]},
        "marketing head": set(),
        "admin": set(),
    }


def test_the_forms_offer_exactly_the_people_who_take_part(personas, other_rep):
    other_rep.is_active = False
    other_rep.save(update_fields=["is_active"])
    taking_part = {user for user in [*personas.values(), other_rep] if access.takes_part(user)}

    assert set(access.people_taking_part()) == taking_part
    assert other_rep not in taking_part and personas["admin"] not in taking_part
