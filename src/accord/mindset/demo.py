"""The demo company's shared-mindset round: Sales sells on quality, Marketing on price.

Every demo persona in both teams answers in their own words, and the campaigns say which
advantage they promote, so a new user sees the flag, the consensus and where the message differs.
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
    """One open round answered by every persona of both teams; advantages on the campaigns."""
    rng = random.Random(rng_seed)
    started = dt.datetime.combine(today - dt.timedelta(days=10), dt.time(9), tzinfo=dt.UTC)
    head = User.objects.filter(role=User.Role.HEAD, team__kind=Team.Kind.MARKETING).first()
    round = Round.objects.create(
        title=f"Shared mindset, {started:%B %Y}", started_at=started, started_by=head
    )
    people = User.objects.filter(team__kind__in=list(VOICES), is_active=True).select_related("team")
    answers, seen = [], {kind: 0 for kind in VOICES}
    for number, person in enumerate(people.order_by("email")):
        voices = VOICES[person.team.kind]
        voice = voices[seen[person.team.kind] % len(voices)]
        seen[person.team.kind] += 1
        first, second, third = (rng.choice(WORDINGS[advantage]) for advantage in voice)
        answered = started + dt.timedelta(hours=3 + 7 * number)
        answers.append(
            Answer(
                round=round,
                author_key=author_key(round.pk, person.pk),
                team_kind=person.team.kind,
                first=first,
                second=second,
                third=third,
                answered_at=min(answered, timezone.now()),
            )
        )
    Answer.objects.bulk_create(answers)
    campaigns = list(Campaign.objects.order_by("id"))
    for number, campaign in enumerate(campaigns):
        campaign.advantage = CAMPAIGN_ADVANTAGES[number % len(CAMPAIGN_ADVANTAGES)]
    Campaign.objects.bulk_update(campaigns, ["advantage"], batch_size=500)
    return {"mindset.round": 1, "mindset.answer": len(answers)}
