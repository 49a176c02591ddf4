"""Reads of the shared-mindset check that the pages and the API share.

Publication: a round's results are published when it closes, all at once. Results that moved
with every answer would let anyone work out one person's three advantages by comparing them
before and after that person answered; while a round is open only how many have answered is told.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accord.mindset import semantic
from accord.mindset.consensus import CampaignMessage, MindsetResult, PersonAnswer, compare
from accord.mindset.grouping import Grouping, group_lexically
from accord.mindset.models import Answer, Round, author_key
from accord.teams.models import User
from accord.touchpoints.models import Campaign

METHODS = ("lexical", "semantic")
CAMPAIGN_WINDOW = dt.timedelta(days=365)


WITHHELD = "published when the round closes"


@dataclass(frozen=True)
class RoundResults:
    """`result` is None while the round is open (not yet published); `answers` is always told."""

    round: Round
    result: MindsetResult | None
    method: str
    answers: int
    notice: str = ""

    @property
    def published(self) -> bool:
        return self.result is not None


def list_rounds() -> QuerySet[Round]:
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
    group, used, notice = grouping_method(method)
    if round.is_open:
        return RoundResults(round, None, used, round.answers.count(), notice)
    answers = [
        PersonAnswer(a.team_kind, tuple(a.advantages))
        for a in round.answers.order_by("id").only("team_kind", "first", "second", "third")
    ]
    result = compare(answers, campaign_messages(round), group)
    return RoundResults(round, result, used, len(answers), notice)
