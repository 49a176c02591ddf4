"""The shared-mindset check over JSON: the results of a round, my three advantages.

Results name no one: a round's results are published when it closes (`published`); while it is
open only the number of answers is given, so nobody can work out one person's three advantages by
comparing the results before and after that person answered. The wordings that disagree come only
to heads and administrators, without their authors. Refusals: 403 for a user outside the two
teams, 404 for an unknown round, 409 when no round is open, 422 for a blank or overlong advantage
(named by field).
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from accord.crm.api import ERRORS
from accord.inputs import StrictIn
from accord.mindset import selectors
from accord.mindset.consensus import TeamResult
from accord.mindset.models import Answer, Round
from accord.mindset.services import MindsetRefused, check_can_answer, do_answer
from accord.teams import access

router = Router(tags=["mindset"])


class NamedOut(Schema):
    label: str
    people: int
    percent: int = Field(description="Of the people who answered")


class TeamOut(Schema):
    team: str
    people: int
    matching: int = Field(description="People with at least 2 of their 3 in the consensus three")
    percent: int | None
    shared_mindset: bool | None = Field(description="At least 75% match; null without answers")
    top: list[NamedOut] = Field(description="The group's own three most named advantages")


class DisagreementOut(Schema):
    label: str
    people: int
    by_team: dict[str, int]
    wordings: list[str]


class MessageOut(Schema):
    label: str
    campaigns: int
    campaign_percent: int
    spend: dict[str, Decimal]
    sales_percent: int
    marketing_percent: int
    differs: bool


class MindsetResultsOut(Schema):
    round: int | None
    title: str | None
    method: str = Field(description="The grouping used: lexical, or semantic when installed")
    notice: str
    published: bool = Field(description="False while the round is open: results come at close")
    answers: int = Field(description="How many people have answered the round")
    consensus: list[NamedOut]
    overall: TeamOut | None
    sales: TeamOut | None
    marketing: TeamOut | None
    named: list[NamedOut]
    message: list[MessageOut]
    message_headline: str
    disagreements: list[DisagreementOut] | None = Field(
        description="Heads and admins only (null otherwise); never who wrote them"
    )


class AnswerIn(StrictIn):
    first: str
    second: str
    third: str


class AnswerOut(Schema):
    round: int
    title: str
    first: str
    second: str
    third: str
    answered_at: dt.datetime


class MindsetResultsQuery(Schema):
    round: int | None = Field(None, description="A round id; the open or latest by default")
    method: Literal["lexical", "semantic"] = "lexical"


def _named(n) -> dict:
    return {"label": n.label, "people": n.people, "percent": n.percent}


def _team(t: TeamResult) -> dict:
    return {
        "team": t.team,
        "people": t.people,
        "matching": t.matching,
        "percent": t.percent,
        "shared_mindset": t.shared_mindset,
        "top": [_named(n) for n in t.top],
    }


EMPTY: dict[str, object] = {
    "round": None,
    "title": None,
    "method": "lexical",
    "notice": "",
    "published": False,
    "answers": 0,
    "consensus": [],
    "overall": None,
    "sales": None,
    "marketing": None,
    "named": [],
    "message": [],
    "message_headline": "",
    "disagreements": None,
}


@router.get("/mindset/results", response={200: MindsetResultsOut, **ERRORS})
def results(request, query: Query[MindsetResultsQuery]):
    try:
        chosen = selectors.get_round(query.round)
    except Round.DoesNotExist:
        raise Http404(f"There is no shared-mindset round {query.round}") from None
    if chosen is None:
        return EMPTY
    found = selectors.get_results(chosen, query.method)
    told = {
        "round": chosen.pk,
        "title": chosen.title,
        "method": found.method,
        "notice": found.notice,
        "published": found.published,
        "answers": found.answers,
    }
    result = found.result
    if result is None:
        return {**EMPTY, **told}
    sales, marketing = result.teams
    sees = access.may_read_mindset_wordings(request.auth)
    return {
        **told,
        "consensus": [_named(n) for n in result.consensus],
        "overall": _team(result.overall),
        "sales": _team(sales),
        "marketing": _team(marketing),
        "named": [_named(n) for n in result.named],
        "message": [{**vars(r), "differs": r.differs} for r in result.message],
        "message_headline": result.headline,
        "disagreements": [vars(d) for d in result.disagreements] if sees else None,
    }


def _answer_out(answer: Answer) -> dict:
    return {
        "round": answer.round_id,
        "title": answer.round.title,
        "first": answer.first,
        "second": answer.second,
        "third": answer.third,
        "answered_at": answer.answered_at,
    }


@router.get("/mindset/answers/mine", response={200: AnswerOut, **ERRORS})
def my_answer(request):
    mine = selectors.get_my_answer(request.auth, selectors.get_open_round())
    if mine is None:
        raise Http404("You have not answered the open round")
    return _answer_out(mine)


@router.post(
    "/mindset/answers",
    response={200: AnswerOut, **ERRORS},
    description="Your three advantages in the open round; answering again replaces them.",
)
def answer(request, payload: AnswerIn):
    try:
        check_can_answer(request.auth)
    except MindsetRefused as exc:
        raise HttpError(403, str(exc)) from None
    try:
        return _answer_out(do_answer(request.auth, payload.model_dump()))
    except MindsetRefused as exc:
        fields = {field: [message] for field, message in exc.errors if field != "__all__"}
        if fields:
            raise ValidationError(fields) from None
        raise HttpError(409, str(exc)) from None
