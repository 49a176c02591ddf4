"""The shared-mindset result from grouped answers: no Django here, one typed object out.

The consensus three are the three advantages named by the most people (a person who names one
advantage twice counts once; ties go to the name first in the alphabet). A person's answers
match when at least two of their three advantages are among the consensus three. Below 75% of
people matching there is no shared mindset. Each team is measured against the same company-wide
consensus three, and its own top three are shown beside it.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from accord.mindset.grouping import Grouping

CONSENSUS_SIZE = 3
MATCH_AT_LEAST = 2
SHARED_MINDSET_SHARE = Decimal("0.75")
MESSAGE_GAP = 30  # percentage points between campaigns and Sales that count as a difference
TEAMS = ("sales", "marketing")


@dataclass(frozen=True)
class PersonAnswer:
    team: str
    advantages: tuple[str, ...]


@dataclass(frozen=True)
class CampaignMessage:
    advantage: str
    cost: Decimal
    currency: str


@dataclass(frozen=True)
class Named:
    key: str
    label: str
    people: int
    percent: int  # of the people who answered


@dataclass(frozen=True)
class TeamResult:
    team: str  # "sales", "marketing" or "everyone"
    people: int
    matching: int
    top: list[Named]

    @property
    def percent(self) -> int | None:
        return round(100 * self.matching / self.people) if self.people else None

    @property
    def shared_mindset(self) -> bool | None:
        """None without answers; otherwise whether at least 75% of people match."""
        if not self.people:
            return None
        return Decimal(self.matching) >= SHARED_MINDSET_SHARE * self.people


@dataclass(frozen=True)
class Disagreement:
    label: str
    people: int
    by_team: dict[str, int]
    wordings: list[str]


@dataclass(frozen=True)
class MessageRow:
    label: str
    sales_percent: int
    marketing_percent: int
    campaigns: int
    campaign_percent: int
    spend: dict[str, Decimal]

    @property
    def differs(self) -> bool:
        return abs(self.campaign_percent - self.sales_percent) >= MESSAGE_GAP


@dataclass(frozen=True)
class MindsetResult:
    consensus: list[Named]
    overall: TeamResult
    teams: list[TeamResult]
    named: list[Named]
    disagreements: list[Disagreement]
    message: list[MessageRow] = field(default_factory=list)
    headline: str = ""


def _named(people_by_key: dict[str, set[int]], labels: dict, answered: int) -> list[Named]:
    rows = [
        Named(key, labels[key], len(people), round(100 * len(people) / answered))
        for key, people in people_by_key.items()
    ]
    return sorted(rows, key=lambda n: (-n.people, n.label.lower()))


def _team_result(team, members, keys_of, labels, consensus_keys) -> TeamResult:
    people_by_key: dict[str, set[int]] = defaultdict(set)
    matching = 0
    for person in members:
        for key in keys_of[person]:
            people_by_key[key].add(person)
        needed = min(MATCH_AT_LEAST, len(consensus_keys))
        matching += len(keys_of[person] & consensus_keys) >= needed if needed else 0
    top = _named(people_by_key, labels, len(members))[:CONSENSUS_SIZE] if members else []
    return TeamResult(team=team, people=len(members), matching=matching, top=top)


def _disagreements(answers, keys, labels, consensus_keys) -> list[Disagreement]:
    people: dict[str, set[int]] = defaultdict(set)
    teams: dict[str, dict[int, str]] = defaultdict(dict)
    wordings: dict[str, dict[str, str]] = defaultdict(dict)
    for person, (answer, person_keys) in enumerate(zip(answers, keys, strict=True)):
        for text, key in zip(answer.advantages, person_keys, strict=True):
            if key in consensus_keys:
                continue
            people[key].add(person)
            teams[key][person] = answer.team
            wordings[key].setdefault(text.lower(), text)
    rows = [
        Disagreement(
            label=labels[key],
            people=len(people[key]),
            by_team=dict(Counter(teams[key].values())),
            wordings=sorted(wordings[key].values(), key=str.lower),
        )
        for key in people
    ]
    return sorted(rows, key=lambda d: (-d.people, d.label.lower()))


def _members(answers: list[PersonAnswer], team: str) -> list[int]:
    return [i for i, a in enumerate(answers) if a.team == team]


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _message(answers, keys, campaigns, campaign_keys, labels) -> list[MessageRow]:
    team_people = {t: _members(answers, t) for t in TEAMS}
    rows = []
    for key in dict.fromkeys(campaign_keys + [k for ks in keys for k in ks]):
        chosen = [c for c, k in zip(campaigns, campaign_keys, strict=True) if k == key]
        spend: dict[str, Decimal] = defaultdict(Decimal)
        for campaign in chosen:
            spend[campaign.currency] += campaign.cost
        naming = {
            t: sum(key in set(keys[i]) for i in members) for t, members in team_people.items()
        }
        rows.append(
            MessageRow(
                label=labels[key],
                sales_percent=_percent(naming["sales"], len(team_people["sales"])),
                marketing_percent=_percent(naming["marketing"], len(team_people["marketing"])),
                campaigns=len(chosen),
                campaign_percent=_percent(len(chosen), len(campaigns)),
                spend=dict(spend),
            )
        )
    return sorted(rows, key=lambda r: (-r.campaign_percent, -r.sales_percent, r.label.lower()))


def _headline(message: list[MessageRow], sales: TeamResult) -> str:
    if not message or not message[0].campaigns or not sales.top:
        return ""
    campaigns_top, sales_top = message[0], sales.top[0]
    if campaigns_top.label == sales_top.label:
        return ""
    return (
        f"Marketing's campaigns sell on {campaigns_top.label.lower()} "
        f"({campaigns_top.campaign_percent}% of campaigns) while Sales sells on "
        f"{sales_top.label.lower()} ({sales_top.percent}% of the sales team name it; "
        f"{campaigns_top.sales_percent}% name {campaigns_top.label.lower()})."
    )


def compare(
    answers: list[PersonAnswer],
    campaigns: list[CampaignMessage],
    group: Callable[[list[str]], Grouping],
) -> MindsetResult:
    """Group every answer and campaign advantage together, then measure the shared mindset."""
    texts = [t for a in answers for t in a.advantages] + [c.advantage for c in campaigns]
    grouping = group(texts)
    labels = grouping.labels
    keys = [grouping.keys[3 * i : 3 * i + 3] for i in range(len(answers))]
    campaign_keys = grouping.keys[3 * len(answers) :]
    keys_of = {i: set(k) for i, k in enumerate(keys)}
    people_by_key: dict[str, set[int]] = defaultdict(set)
    for person, person_keys in keys_of.items():
        for key in person_keys:
            people_by_key[key].add(person)
    named = _named(people_by_key, labels, len(answers))
    consensus = named[:CONSENSUS_SIZE]
    consensus_keys = {n.key for n in consensus}
    overall = _team_result("everyone", list(keys_of), keys_of, labels, consensus_keys)
    teams = [
        _team_result(team, _members(answers, team), keys_of, labels, consensus_keys)
        for team in TEAMS
    ]
    message = _message(answers, keys, campaigns, campaign_keys, labels)
    return MindsetResult(
        consensus=consensus,
        overall=overall,
        teams=teams,
        named=named,
        disagreements=_disagreements(answers, keys, labels, consensus_keys),
        message=message,
        headline=_headline(message, teams[0]),
    )
