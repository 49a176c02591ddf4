"""The demo company's shared-mindset rounds: Sales sells on quality, Marketing on price.

In last month's round, closed, every demo persona in both teams answered in their own words, and
the campaigns say which advantage they promote, so a new user sees the flag, the consensus and
where the message differs. This month's round is open, a few answers in, its results withheld
until it closes.
"""

import datetime as dt
import random

from django.utils import timezone

from accord.mindset.models import Answer, Round, author_key
from accord.teams.models import Team, User
from accord.touchpoints.models import Campaign

# What each team tends to say, as people write it: one list of wordings per advantage.
WORDINGS = {
    "quality": ["High quality products", "Best quality on the market", "Built to last", "Quality"],
    "service": ["Great customer service", "Support that picks up the phone", "24/7 support"],
    "reliability": ["Reliable", "It never breaks", "99.9% uptime"],
    "price": ["Lowest price", "Best value for money", "Cheaper than the big vendors", "Affordable"],
    "innovation": ["Innovative", "AI-powered insights", "Cutting-edge technology"],
    "ease": ["Easy to use", "Simple to set up", "User friendly"],
    "expertise": ["Industry expertise", "Experienced team"],
}
# Who names what, person by person (in e-mail order, repeated for larger teams): Sales agrees
# on quality and service, Marketing on price, so the company has no shared mindset.
VOICES = {
    Team.Kind.SALES: [
        ("quality", "service", "reliability"),
        ("quality", "reliability", "service"),
        ("quality", "service", "price"),
        ("quality", "expertise", "reliability"),
        ("quality", "service", "reliability"),
    ],
    Team.Kind.MARKETING: [
        ("price", "innovation", "ease"),
        ("price", "quality", "innovation"),
        ("price", "ease", "innovation"),
        ("price", "innovation", "service"),
    ],
}
CAMPAIGN_ADVANTAGES = [
    "Lowest price in its class",
    "Best value for money",
    "30% cheaper licences",
    "AI-powered insights",
    "Best value for money",
    "Built to last",
]


def seed_demo(today: dt.date, rng_seed: int) -> dict[str, int]:
    """A closed round answered by every persona of both teams, an open one answered by a few;
    advantages on the campaigns."""
    rng = random.Random(rng_seed)
    head = User.objects.filter(role=User.Role.HEAD, team__kind=Team.Kind.MARKETING).first()
    people = list(
        User.objects.filter(team__kind__in=list(VOICES), is_active=True)
        .select_related("team")
        .order_by("email")
    )
    closed_start = _at(today - dt.timedelta(days=40))
    closed = Round.objects.create(
        title=f"Shared mindset, {closed_start:%B %Y}",
        started_at=closed_start,
        started_by=head,
        is_open=False,
        closed_at=closed_start + dt.timedelta(days=14),
    )
    open_start = _at(today - dt.timedelta(days=3))
    opened = Round.objects.create(
        title=f"Shared mindset, {open_start:%B %Y}", started_at=open_start, started_by=head
    )
    answers = _answers(closed, people, rng) + _answers(opened, people[:4], rng)
    Answer.objects.bulk_create(answers)
    campaigns = list(Campaign.objects.order_by("id"))
    for number, campaign in enumerate(campaigns):
        campaign.advantage = CAMPAIGN_ADVANTAGES[number % len(CAMPAIGN_ADVANTAGES)]
    Campaign.objects.bulk_update(campaigns, ["advantage"], batch_size=500)
    return {"mindset.round": 2, "mindset.answer": len(answers)}


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)


def _answers(round: Round, people: list[User], rng: random.Random) -> list[Answer]:
    """Each person's three advantages in their team's voice, a few hours apart."""
    answers, seen = [], {kind: 0 for kind in VOICES}
    for number, person in enumerate(people):
        assert person.team_kind is not None  # members of the two teams answer
        kind = Team.Kind(person.team_kind)
        voices = VOICES[kind]
        voice = voices[seen[kind] % len(voices)]
        seen[kind] += 1
        first, second, third = (rng.choice(WORDINGS[advantage]) for advantage in voice)
        answered = round.started_at + dt.timedelta(hours=3 + 7 * number)
        answers.append(
            Answer(
                round=round,
                author_key=author_key(round.pk, person.pk),
                team_kind=kind,
                first=first,
                second=second,
                third=third,
                answered_at=min(answered, timezone.now()),
            )
        )
    return answers
