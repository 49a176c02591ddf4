"""The relationship assessment over JSON: the rounds, the results (aggregates only), my answers.

Results never carry one person's answers, except the caller's own under `mine`. A group of fewer
than 3 respondents answers `null` with `hidden_reason`. A round's figures are published when it
closes (`published`): while it is open only the numbers of respondents are given, so nobody can
work out one person's ratings from the figures before and after they answered. Refusals: 403 for
a user outside the two teams, 404 for an unknown round, 409 when no round is open, 422 for an
incomplete or invalid questionnaire (one entry per statement, named by its key).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from accord.alignment import selectors
from accord.alignment.models import AssessmentRound
from accord.alignment.selectors import GroupScore, MyAnswers
from accord.alignment.services import (
    AssessmentRefused,
    IncompleteAnswers,
    check_can_answer,
    do_answer,
)
from accord.crm.api import ERRORS
from accord.inputs import StrictIn

router = Router(tags=["alignment"])


class RoundOut(Schema):
    number: int
    status: str
    questionnaire_version: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    respondents: int


class GroupOut(Schema):
    name: str
    respondents: int
    mean_total: float | None = Field(description="20 to 100; null when hidden")
    stage: str | None
    hidden_reason: str | None = Field(
        description="Why nothing is shown: too few answers, or the round is still open"
    )


class GapOut(Schema):
    statement: str = Field(description="The statement's key")
    number: int
    text: str
    sales_mean: float | None
    marketing_mean: float | None
    gap: float | None = Field(description="Sales' mean minus Marketing's, on the 1–5 scale")


class TrendOut(Schema):
    round: int
    overall: GroupOut
    sales: GroupOut
    marketing: GroupOut


class NextStepOut(Schema):
    title: str
    why: str
    feature: str
    url: str | None = Field(description="The Accord page that supports this step, if any")


class MyAnswersOut(Schema):
    round: int
    total: int
    stage: str
    answered_at: dt.datetime
    ratings: dict[str, int]


class AssessmentResultsOut(Schema):
    round: RoundOut | None
    published: bool = Field(description="False while the round is open: figures come at close")
    overall: GroupOut
    sales: GroupOut
    marketing: GroupOut
    gaps: list[GapOut] = Field(description="Widest gap first; statements with a hidden side last")
    trend: list[TrendOut]
    next_steps: list[NextStepOut]
    mine: MyAnswersOut | None = Field(description="The caller's own answers in this round")


class AnswersIn(StrictIn):
    ratings: dict[str, int] = Field(description="Every statement's key with a rating from 1 to 5")


class AssessmentResultsQuery(Schema):
    round: int | None = Field(None, description="A round number; the open or latest by default")


def _round_out(round_: AssessmentRound) -> dict:
    respondents = getattr(round_, "respondents", None)
    if respondents is None:
        respondents = round_.responses.count()
    return {
        "number": round_.number,
        "status": round_.status,
        "questionnaire_version": round_.questionnaire_version,
        "opened_at": round_.opened_at,
        "closed_at": round_.closed_at,
        "respondents": respondents,
    }


def _group_out(group: GroupScore) -> dict:
    reason = None
    if group.withheld:
        reason = selectors.WITHHELD
    elif group.hidden:
        reason = selectors.TOO_FEW if group.respondents else "no answers yet"
    return {
        "name": group.name,
        "respondents": group.respondents,
        "mean_total": group.mean_total,
        "stage": group.stage,
        "hidden_reason": reason,
    }


def _mine_out(mine: MyAnswers | None) -> dict | None:
    if mine is None:
        return None
    return {
        "round": mine.round.number,
        "total": mine.total,
        "stage": mine.stage,
        "answered_at": mine.answered_at,
        "ratings": mine.ratings,
    }


@router.get("/alignment/rounds", response={200: list[RoundOut], **ERRORS})
def rounds(request):
    return [_round_out(r) for r in selectors.list_rounds()]


@router.get("/alignment/results", response={200: AssessmentResultsOut, **ERRORS})
def results(request, query: Query[AssessmentResultsQuery]):
    round_ = selectors.get_current_round()
    if query.round is not None:
        try:
            round_ = selectors.get_round(query.round)
        except AssessmentRound.DoesNotExist:
            raise Http404(f"There is no assessment round {query.round}") from None
    found = selectors.get_results(round_)
    return {
        "round": _round_out(round_) if round_ else None,
        "published": found.published,
        "overall": _group_out(found.overall),
        "sales": _group_out(found.sales),
        "marketing": _group_out(found.marketing),
        "gaps": [
            {
                "statement": g.statement.key,
                "number": g.statement.number,
                "text": g.statement.text,
                "sales_mean": g.sales,
                "marketing_mean": g.marketing,
                "gap": g.gap,
            }
            for g in found.gaps
        ],
        "trend": [
            {
                "round": p.number,
                "overall": _group_out(p.overall),
                "sales": _group_out(p.sales),
                "marketing": _group_out(p.marketing),
            }
            for p in found.trend
        ],
        "next_steps": [
            {"title": s.title, "why": s.why, "feature": s.feature, "url": s.url}
            for s in found.next_steps
        ],
        "mine": _mine_out(selectors.get_my_answers(request.user, round_)),
    }


@router.post(
    "/alignment/answers",
    response={200: MyAnswersOut, **ERRORS},
    description="Answer the open round; answering again in the same round replaces the answers.",
)
def answer(request, payload: AnswersIn):
    try:
        check_can_answer(request.user)
    except AssessmentRefused as exc:
        raise HttpError(403, str(exc)) from None
    try:
        response = do_answer(request.user, payload.ratings)
    except IncompleteAnswers as exc:
        errors = {f"ratings.{s.key}": [f"Not rated: {s.label} {s.text}"] for s in exc.missing}
        errors |= {f"ratings.{key}": [reason] for key, reason in exc.invalid.items()}
        raise ValidationError(errors) from None
    except AssessmentRefused as exc:
        raise HttpError(409, str(exc)) from None
    return _mine_out(selectors.get_my_answers(request.user, response.round))
