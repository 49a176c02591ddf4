"""Two heads opening a round, or one person answering twice, at the very same moment."""

import pytest
from django.db import connection
from tests.concurrency import run_at_once

from accord.alignment.models import AssessmentResponse, AssessmentRound
from accord.alignment.services import AssessmentRefused, do_answer, do_open_round
from accord.alignment.tests.conftest import uniform

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers, so these cannot race there",
    ),
]


def at_the_same_moment(*calls):
    """Run each (function, args) in its own thread and connection, released together."""
    work = [lambda f=function, a=args: f(*a) for function, args in calls]
    return run_at_once(work, expected=AssessmentRefused)


def test_both_heads_opening_at_once_open_one_round(marketing_head, sales_head):
    outcomes = at_the_same_moment(
        (do_open_round, (marketing_head,)), (do_open_round, (sales_head,))
    )

    assert AssessmentRound.objects.count() == 1
    assert sum(isinstance(o, AssessmentRefused) for o in outcomes) == 1


def test_one_person_answering_twice_at_once_keeps_one_answer(rep, sales_head):
    do_open_round(sales_head)

    at_the_same_moment((do_answer, (rep, uniform(2))), (do_answer, (rep, uniform(4))))

    response = AssessmentResponse.objects.get(respondent=rep)
    assert response.total in (40, 80)
    assert response.ratings.count() == 20
