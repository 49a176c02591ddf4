"""The demo company's relationship assessment: two rounds answered by both teams.

Round 1, four months ago, finds the teams Defined, Sales more sceptical than Marketing about
feedback, credit and notice of campaigns; round 2, opened two weeks ago and closed after ten days,
finds them Aligned with narrower gaps. Deterministic from the demo seed.
"""

import datetime as dt
import random

from accord.alignment.models import AssessmentResponse, AssessmentRound, Rating
from accord.alignment.services import do_answer, do_close_round, do_open_round
from accord.alignment.statements import HIGHEST, LOWEST, statements_of
from accord.teams.access import TEAM_KINDS
from accord.teams.models import Team, User

# (days before today it opened, days it ran or None while open, mean rating per team)
ROUNDS = [
    (120, 14, {Team.Kind.SALES: 2.3, Team.Kind.MARKETING: 2.9}),
    (14, 10, {Team.Kind.SALES: 3.2, Team.Kind.MARKETING: 3.5}),
]
# How far each team's view of a statement sits below its mean in round 1 (halved in round 2).
DOUBTS = {
    Team.Kind.SALES: {
        "feedback-acted-on": 1.0,
        "shared-credit": 0.9,
        "advance-notice": 0.8,
        "linked-pay": 0.6,
    },
    Team.Kind.MARKETING: {"lead-follow-up": 1.0, "field-feedback": 0.8, "trusted-figures": 0.4},
}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _ratings(rng: random.Random, mean: float, doubts: dict[str, float], easing: float) -> dict:
    ratings = {}
    for statement in statements_of():
        wanted = mean - doubts.get(statement.key, 0.0) * easing + rng.gauss(0, 0.6)
        ratings[statement.key] = min(max(round(wanted), LOWEST), HIGHEST)
    return ratings


def seed_demo(today: dt.date, rng_seed: int) -> dict[str, int]:
    """Two assessment rounds answered by every member of both teams; the rows written."""
    rng = random.Random(f"alignment-{rng_seed}")
    head = User.objects.get(team__kind=Team.Kind.MARKETING, role=User.Role.HEAD)
    people = list(User.objects.filter(team__kind__in=TEAM_KINDS, is_active=True).order_by("email"))
    for number, (days_ago, ran_for, means) in enumerate(ROUNDS):
        opened = today - dt.timedelta(days=days_ago)
        do_open_round(head, at=_at(opened, 9))
        for person in people:
            answered = _at(opened + dt.timedelta(days=rng.randrange(0, 7)), rng.randrange(9, 18))
            easing = 1.0 if number == 0 else 0.5
            assert person.team_kind is not None  # members of the two teams answer
            kind = Team.Kind(person.team_kind)
            do_answer(person, _ratings(rng, means[kind], DOUBTS[kind], easing), at=answered)
        if ran_for is not None:
            do_close_round(head, at=_at(opened + dt.timedelta(days=ran_for), 17))
    return {
        "alignment.assessmentround": AssessmentRound.objects.count(),
        "alignment.assessmentresponse": AssessmentResponse.objects.count(),
        "alignment.rating": Rating.objects.count(),
    }
