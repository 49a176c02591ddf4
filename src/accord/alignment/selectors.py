"""Reads of the relationship assessment: aggregates only, and each person's own answers.

Publication: a round's figures are published when it closes, all at once. Figures that moved
with every answer while a round is open would give away one person's ratings to anyone who
noted them before and after that person answered; an open round shows only how many answered.

Anonymity: nobody reads another person's answers, heads and admins included. A group (a team, or
one team's ratings of one statement) with fewer than MIN_GROUP respondents shows nothing. The
overall figure is shown only when no team in it is such a small group, so it can never be used
with the other team's figure to work out a small group's answers.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum

from accord.alignment.models import AssessmentResponse, AssessmentRound, Rating
from accord.alignment.stages import DESCRIPTIONS, NEXT_STEPS, NextStep, Stage, stage_for
from accord.alignment.statements import Statement, statements_of
from accord.teams.models import Team, User

MIN_GROUP = 3
TOO_FEW = f"fewer than {MIN_GROUP} answers"
WITHHELD = "published when the round closes"
TEAMS = (Team.Kind.SALES, Team.Kind.MARKETING)


@dataclass(frozen=True)
class GroupScore:
    """The mean total of a group, hidden (None) when fewer than MIN_GROUP people answered or
    while its round is open (`withheld`)."""

    name: str
    respondents: int
    mean_total: float | None
    withheld: bool = False

    @property
    def hidden(self) -> bool:
        return self.mean_total is None

    @property
    def stage(self) -> Stage | None:
        return None if self.mean_total is None else stage_for(self.mean_total)

    @property
    def description(self) -> str:
        return DESCRIPTIONS[self.stage] if self.stage else ""


@dataclass(frozen=True)
class StatementGap:
    """How Sales and Marketing rate one statement; a hidden side is None."""

    statement: Statement
    sales: float | None
    marketing: float | None

    @property
    def gap(self) -> float | None:
        """Sales' mean minus Marketing's: above zero, Sales sees it better than Marketing does."""
        if self.sales is None or self.marketing is None:
            return None
        return round(self.sales - self.marketing, 2)


@dataclass(frozen=True)
class TrendPoint:
    number: int
    overall: GroupScore
    sales: GroupScore
    marketing: GroupScore

    @property
    def published(self) -> bool:
        return not self.overall.withheld


@dataclass(frozen=True)
class Results:
    round: AssessmentRound | None
    sales: GroupScore
    marketing: GroupScore
    overall: GroupScore
    gaps: list[StatementGap]
    trend: list[TrendPoint]
    next_steps: tuple[NextStep, ...] = field(default=())
    published: bool = True


@dataclass(frozen=True)
class MyAnswers:
    round: AssessmentRound
    total: int
    answered_at: dt.datetime
    ratings: dict[str, int]

    @property
    def stage(self) -> Stage:
        return stage_for(self.total)


def get_open_round() -> AssessmentRound | None:
    return AssessmentRound.objects.filter(status=AssessmentRound.Status.OPEN).first()


def get_current_round() -> AssessmentRound | None:
    """The open round, or else the latest one."""
    return get_open_round() or AssessmentRound.objects.order_by("-number").first()


def get_round(number: int) -> AssessmentRound:
    return AssessmentRound.objects.get(number=number)


def list_rounds() -> QuerySet[AssessmentRound]:
    """Every round, oldest first, with how many people answered it."""
    return AssessmentRound.objects.annotate(respondents=Count("responses")).order_by("number")


def get_my_answers(user: User, round_: AssessmentRound | None) -> MyAnswers | None:
    """The user's own answers in a round; the only individual answers anybody may read."""
    if round_ is None:
        return None
    response = AssessmentResponse.objects.filter(round=round_, respondent=user).first()
    if response is None:
        return None
    ratings = dict(response.ratings.values_list("statement", "score"))
    return MyAnswers(round_, response.total, response.answered_at, ratings)


def _mean(total: float, count: int, places: int) -> float | None:
    """The mean of a group, or None when the group is too small to show."""
    return round(total / count, places) if count >= MIN_GROUP else None


def _scores(
    counts: dict[str, tuple[int, int]], published: bool
) -> tuple[GroupScore, GroupScore, GroupScore]:
    """Sales, Marketing and overall from {team: (respondents, sum of totals)}; only how many
    answered when the round is not yet published."""
    groups = {}
    for team in TEAMS:
        n, total = counts.get(team, (0, 0))
        mean = _mean(total, n, 1) if published else None
        groups[team] = GroupScore(Team.Kind(team).label, n, mean, withheld=not published)
    n = sum(group.respondents for group in groups.values())
    small_team = any(0 < group.respondents < MIN_GROUP for group in groups.values())
    total = sum(total for _, total in counts.values())
    mean = None if small_team or not published else _mean(total, n, 1)
    overall = GroupScore("Overall", n, mean, withheld=not published)
    return groups[Team.Kind.SALES], groups[Team.Kind.MARKETING], overall


def _team_counts(responses: QuerySet[AssessmentResponse]) -> dict[int, dict[str, tuple[int, int]]]:
    rows = responses.values("round_id", "team_kind").annotate(n=Count("id"), total=Sum("total"))
    counts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in rows:
        counts[row["round_id"]][row["team_kind"]] = (row["n"], row["total"])
    return counts


def get_trend() -> list[TrendPoint]:
    """Each round's stage per team and overall, oldest first; the open round's withheld."""
    counts = _team_counts(AssessmentResponse.objects.all())
    trend = []
    for round_ in AssessmentRound.objects.order_by("number"):
        sales, marketing, overall = _scores(counts.get(round_.pk, {}), not round_.is_open)
        trend.append(TrendPoint(round_.number, overall, sales, marketing))
    return trend


def get_latest_published() -> TrendPoint | None:
    """Where the relationship stood at the latest round that closed."""
    return next((point for point in reversed(get_trend()) if point.published), None)


def get_gaps(round_: AssessmentRound) -> list[StatementGap]:
    """The perception gap per statement, the widest first; statements with a hidden side last."""
    rows = (
        Rating.objects.filter(response__round=round_)
        .values("statement", "response__team_kind")
        .annotate(n=Count("id"), total=Sum("score"))
    )
    means = {
        (row["statement"], row["response__team_kind"]): _mean(row["total"], row["n"], 2)
        for row in rows
    }
    gaps = [
        StatementGap(s, means.get((s.key, "sales")), means.get((s.key, "marketing")))
        for s in statements_of(round_.questionnaire_version)
    ]
    return sorted(gaps, key=lambda g: (g.gap is None, -abs(g.gap or 0), g.statement.number))


def get_results(round_: AssessmentRound | None = None) -> Results:
    """The results of a round (the current one by default), with the trend across rounds; of
    an open round only how many answered."""
    round_ = round_ or get_current_round()
    trend = get_trend()
    point = next((p for p in trend if round_ and p.number == round_.number), None)
    if round_ is None or point is None:  # with no round there is no point either
        sales, marketing = GroupScore("Sales", 0, None), GroupScore("Marketing", 0, None)
        return Results(round_, sales, marketing, GroupScore("Overall", 0, None), [], trend)
    if not point.published:
        return Results(round_, point.sales, point.marketing, point.overall, [], trend, (), False)
    return Results(
        round=round_,
        sales=point.sales,
        marketing=point.marketing,
        overall=point.overall,
        gaps=get_gaps(round_),
        trend=trend,
        next_steps=NEXT_STEPS[point.overall.stage] if point.overall.stage else (),
    )
