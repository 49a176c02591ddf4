"""Answering and starting rounds: blanks refused by name, a second answer replaces the first."""

import pytest

from accord.audit.models import AuditEntry
from accord.mindset.models import Answer, Round
from accord.mindset.services import MindsetRefused, do_answer, do_start_round
from accord.mindset.tests.conftest import three

pytestmark = pytest.mark.django_db


def test_a_rep_names_three_advantages(rep, open_round):
    answer = do_answer(rep, three(" Quality ", "Great   service", "Reliable"))

    assert answer.advantages == ["Quality", "Great service", "Reliable"]
    assert answer.team_kind == "sales" and answer.round == open_round


def test_a_second_answer_in_the_round_replaces_the_first(rep, open_round):
    do_answer(rep, three("Quality", "Service", "Reliable"))
    do_answer(rep, three("Price", "Service", "Reliable"))

    assert Answer.objects.get().first == "Price"
    assert Answer.objects.count() == 1


def test_blank_fields_are_refused_naming_each_one(rep, open_round):
    with pytest.raises(MindsetRefused) as refused:
        do_answer(rep, three("Quality", "  ", ""))

    assert refused.value.errors == [
        ("second", "The second advantage is missing"),
        ("third", "The third advantage is missing"),
    ]
    assert not Answer.objects.exists()


def test_an_overlong_answer_is_refused(rep, open_round):
    with pytest.raises(MindsetRefused, match="first advantage under 200 characters"):
        do_answer(rep, three("x" * 201, "Service", "Reliable"))


def test_without_an_open_round_nobody_answers(rep):
    with pytest.raises(MindsetRefused, match="No round is open"):
        do_answer(rep, three("Quality", "Service", "Reliable"))


def test_only_the_two_teams_answer(admin_user, open_round):
    with pytest.raises(MindsetRefused, match="sales or marketing team"):
        do_answer(admin_user, three("Quality", "Service", "Reliable"))


def test_a_new_round_closes_the_open_one_and_both_are_in_the_audit_trail(
    marketing_head, open_round
):
    second = do_start_round(marketing_head, "")

    open_round.refresh_from_db()
    assert not open_round.is_open and open_round.closed_at is not None
    assert second.is_open and second.title.startswith("Round of ")
    assert Round.objects.filter(is_open=True).count() == 1
    trail = AuditEntry.objects.filter(record_type="mindset round").order_by("id")
    assert [(e.action, e.new_value) for e in trail] == [
        ("created", "Spring check"),
        ("changed", "closed"),
        ("created", second.title),
    ]


def test_a_rep_may_not_start_a_round(rep):
    with pytest.raises(MindsetRefused, match="Only a team head or an administrator"):
        do_start_round(rep, "Mine")
