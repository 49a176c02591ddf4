"""Writes to the relationship assessment: opening and closing rounds, answering.

Everybody in the marketing and sales teams answers, heads included; a head or an admin opens a
round and closes it. An answer must rate every statement; a second answer in the same round
replaces the first.
"""

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accord.alignment.models import AssessmentEvent, AssessmentResponse, AssessmentRound, Rating
from accord.alignment.statements import HIGHEST, LOWEST, Statement, statements_of
from accord.teams import access
from accord.teams.models import User

Kind = AssessmentEvent.Kind


class AssessmentRefused(Exception):
    """A change the rules do not allow; the message says why."""


class IncompleteAnswers(AssessmentRefused):
    """Statements left unrated, ratings off the 1–5 scale, or keys no statement has."""

    def __init__(self, missing: list[Statement], invalid: dict[str, str]):
        self.missing, self.invalid = missing, invalid
        parts = []
        if missing:
            names = ", ".join(f"{s.label} “{s.text}”" for s in missing)
            parts.append(f"Rate every statement; not rated yet: {names}")
        parts += [f"{key}: {reason}" for key, reason in invalid.items()]
        super().__init__(". ".join(parts))


def check_can_run_rounds(user: User) -> None:
    if not access.may_run_assessment_rounds(user):
        raise AssessmentRefused("Only a team head or an admin opens and closes assessment rounds")


def check_can_answer(user: User) -> None:
    if not access.may_answer_assessment(user):
        raise AssessmentRefused("The assessment is answered by the sales and marketing teams")


def check_ratings(ratings: Mapping[str, object], version: int) -> dict[str, int]:
    """The ratings as {statement key: 1..5}, or IncompleteAnswers naming every problem."""
    statements = statements_of(version)
    known = {s.key for s in statements}
    invalid = {key: "No such statement" for key in ratings if key not in known}
    checked = {}
    for statement in statements:
        value = ratings.get(statement.key)
        if value in (None, ""):
            continue
        try:
            score = int(value)  # type: ignore[call-overload]  # whatever was sent: checked here
        except (TypeError, ValueError):
            score = None
        if score is None or not LOWEST <= score <= HIGHEST:
            invalid[statement.key] = f"Rate from {LOWEST} to {HIGHEST}, not {value!r}"
        else:
            checked[statement.key] = score
    missing = [s for s in statements if s.key not in checked and s.key not in invalid]
    if missing or invalid:
        raise IncompleteAnswers(missing, invalid)
    return checked


def _event(round_: AssessmentRound, kind: str, actor: User | None, at: dt.datetime) -> None:
    AssessmentEvent.objects.create(round=round_, kind=kind, actor=actor, at=at)


def do_open_round(user: User, *, at: dt.datetime | None = None) -> AssessmentRound:
    """A new round, numbered after the last; refused while another is open. Two heads opening
    one at the same moment get one round: the database keeps a second from opening."""
    check_can_run_rounds(user)
    try:
        with transaction.atomic():
            open_round = AssessmentRound.objects.filter(status="open").first()
            if open_round is not None:
                raise AssessmentRefused(
                    f"{open_round} is still open: close it before opening another"
                )
            number = (AssessmentRound.objects.aggregate(n=Max("number"))["n"] or 0) + 1
            at = at or timezone.now()
            round_ = AssessmentRound.objects.create(number=number, opened_by=user, opened_at=at)
            _event(round_, Kind.OPENED, user, at)
    except IntegrityError:
        raise AssessmentRefused("Another round was opened at this very moment") from None
    return round_


@transaction.atomic
def do_close_round(user: User, *, at: dt.datetime | None = None) -> AssessmentRound:
    check_can_run_rounds(user)
    round_ = AssessmentRound.objects.select_for_update().filter(status="open").first()
    if round_ is None:
        raise AssessmentRefused("No assessment round is open")
    round_.status, round_.closed_at = AssessmentRound.Status.CLOSED, at or timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    _event(round_, Kind.CLOSED, user, round_.closed_at)
    return round_


def do_answer(
    user: User, ratings: Mapping[str, object], *, at: dt.datetime | None = None
) -> AssessmentResponse:
    """Store the user's answers in the open round, replacing any they gave before."""
    check_can_answer(user)
    with transaction.atomic():
        round_ = AssessmentRound.objects.select_for_update().filter(status="open").first()
        if round_ is None:
            raise AssessmentRefused("No assessment round is open: a head opens one")
        scores = check_ratings(ratings, round_.questionnaire_version)
        at = at or timezone.now()
        fields = dict(team_kind=user.team_kind, total=sum(scores.values()), answered_at=at)
        response, created = AssessmentResponse.objects.update_or_create(
            round=round_, respondent=user, defaults=fields
        )
        if not created:
            response.ratings.all().delete()
        Rating.objects.bulk_create(
            Rating(response=response, statement=key, score=score) for key, score in scores.items()
        )
        _event(round_, Kind.ANSWERED if created else Kind.REPLACED, user, at)
    return response
