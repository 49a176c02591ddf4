"""Reads of the shared-mindset check that the pages and the API share."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from accord.mindset import semantic
from accord.mindset.consensus import CampaignMessage, MindsetResult, PersonAnswer, compare
from accord.mindset.grouping import Grouping, group_lexically
from accord.mindset.models import Answer, Round, author_key
from accord.teams.models import User
from accord.touchpoints.models import Campaign

METHODS = ("lexical", "semantic")
CAMPAIGN_WINDOW = dt.timedelta(days=365)


@dataclass(frozen=True)
class RoundResults:
    round: Round
    result: MindsetResult
    method: str
    notice: str = ""


def list_rounds():
    return Round.objects.all()


def get_open_round() -> Round | None:
    return Round.objects.filter(is_open=True).first()


def get_round(round_id: int | None = None) -> Round | None:
    """The round asked for, else the open round, else the latest; DoesNotExist for a bad id."""
    if round_id is not None:
        return Round.objects.get(pk=round_id)
    return get_open_round() or Round.objects.first()


def get_my_answer(user: User, round: Round | None) -> Answer | None:
    if round is None:
        return None
    return Answer.objects.filter(round=round, author_key=author_key(round.pk, user.pk)).first()


def grouping_method(method: str) -> tuple[Callable[[list[str]], Grouping], str, str]:
    """(grouping function, method used, notice); semantic falls back to lexical, saying so."""
    if method == "semantic":
        if semantic.semantic_available():
            return semantic.group_semantically, "semantic", ""
        return group_lexically, "lexical", semantic.MISSING
    return group_lexically, "lexical", ""


def campaign_messages(round: Round) -> list[CampaignMessage]:
    """What the campaigns of the year up to the round promote (cancelled ones left out)."""
    until = (round.closed_at or timezone.now()).date()
    since = round.started_at.date() - CAMPAIGN_WINDOW
    campaigns = (
        Campaign.objects.exclude(status=Campaign.Status.CANCELLED)
        .exclude(advantage="")
        .exclude(start_date__gt=until)
        .exclude(end_date__lt=since)
        .order_by("id")
    )
    return [
        CampaignMessage(c.advantage, c.cost, c.currency)
        for c in campaigns.only("advantage", "cost", "currency")
    ]


def get_results(round: Round, method: str = "lexical") -> RoundResults:
    answers = [
        PersonAnswer(a.team_kind, tuple(a.advantages))
        for a in round.answers.order_by("id").only("team_kind", "first", "second", "third")
    ]
    group, used, notice = grouping_method(method)
    result = compare(answers, campaign_messages(round), group)
    return RoundResults(round=round, result=result, method=used, notice=notice)
