"""Answering the assessment: complete answers only, one per person per round, rounds by heads."""

import pytest

from accord.alignment.models import AssessmentEvent, AssessmentResponse, Rating
from accord.alignment.selectors import get_my_answers
from accord.alignment.services import (
    AssessmentRefused,
    IncompleteAnswers,
    do_answer,
    do_close_round,
    do_open_round,
)
from accord.alignment.tests.conftest import answers, uniform

pytestmark = pytest.mark.django_db


def test_a_rep_answers_and_sees_their_own_total_and_stage(rep, open_round):
    do_answer(rep, answers(63))

    mine = get_my_answers(rep, open_round)
    assert mine.total == 63
    assert mine.stage == "Aligned"
    assert mine.ratings["shared-targets"] == 4


def test_a_second_answer_in_the_same_round_replaces_the_first(rep, open_round):
    do_answer(rep, uniform(2))
    do_answer(rep, uniform(4))

    assert AssessmentResponse.objects.filter(respondent=rep).count() == 1
    assert get_my_answers(rep, open_round).total == 80
    assert Rating.objects.count() == 20
    kinds = list(AssessmentEvent.objects.values_list("kind", flat=True))
    assert kinds == ["opened", "answered", "replaced"]


def test_an_incomplete_questionnaire_is_refused_naming_what_is_missing(rep, open_round):
    partial = uniform(3)
    del partial["shared-credit"], partial["respect"]

    with pytest.raises(IncompleteAnswers) as refused:
        do_answer(rep, partial)

    assert [s.key for s in refused.value.missing] == ["shared-credit", "respect"]
    assert "S18 “When a deal is won, both teams get credit for it.”" in str(refused.value)
    assert "S19" in str(refused.value)
    assert not AssessmentResponse.objects.exists()


def test_an_incomplete_second_answer_keeps_the_first(rep, open_round):
    do_answer(rep, uniform(2))
    partial = uniform(5)
    del partial["one-team"]

    with pytest.raises(IncompleteAnswers):
        do_answer(rep, partial)

    assert get_my_answers(rep, open_round).total == 40


@pytest.mark.parametrize("bad", [0, 6, "x"])
def test_a_rating_off_the_scale_is_refused(rep, open_round, bad):
    with pytest.raises(IncompleteAnswers, match="shared-targets: Rate from 1 to 5"):
        do_answer(rep, uniform(3, **{"shared-targets": bad}))


def test_an_unknown_statement_is_refused(rep, open_round):
    with pytest.raises(IncompleteAnswers, match="made-up: No such statement"):
        do_answer(rep, uniform(3) | {"made-up": 3})


def test_nobody_answers_while_no_round_is_open(rep):
    with pytest.raises(AssessmentRefused, match="No assessment round is open"):
        do_answer(rep, uniform(3))


def test_only_the_two_teams_answer(admin_user, open_round):
    with pytest.raises(AssessmentRefused, match="sales and marketing teams"):
        do_answer(admin_user, uniform(3))


def test_heads_answer_too(marketing_head, open_round):
    do_answer(marketing_head, uniform(3))

    assert get_my_answers(marketing_head, open_round).total == 60


def test_a_head_or_admin_opens_rounds_one_at_a_time(marketing_head, admin_user, rep):
    with pytest.raises(AssessmentRefused, match="Only a team head or an admin"):
        do_open_round(rep)
    first = do_open_round(marketing_head)
    with pytest.raises(AssessmentRefused, match="Round 1 is still open"):
        do_open_round(admin_user)

    do_close_round(admin_user)
    second = do_open_round(admin_user)

    assert (first.number, second.number) == (1, 2)


def test_an_answer_goes_to_the_open_round_only(rep, sales_head):
    do_open_round(sales_head)
    do_answer(rep, uniform(2))
    do_close_round(sales_head)
    second = do_open_round(sales_head)

    do_answer(rep, uniform(5))

    assert get_my_answers(rep, second).total == 100
    assert AssessmentResponse.objects.filter(respondent=rep).count() == 2
