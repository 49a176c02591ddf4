"""The demo company's joint plan: its buying process, campaign plans at each step of sign-off
and notice, and what the reps said about recent campaigns. Deterministic from the seed."""

import datetime as dt
import random

from accord.planning.defaults import default_stage
from accord.planning.models import (
    BuyingStep,
    CampaignPlan,
    CampaignRating,
    PlanningSettings,
)
from accord.teams.models import Team, User
from accord.touchpoints.models import Campaign, Channel

NOTICE_DAYS = PlanningSettings.DEFAULT_NOTICE_DAYS

# (name, channel, kind, starts in days, signed by marketing / sales that many days ago, plan)
UPCOMING = [
    (
        "Product launch webinar",
        Channel.EVENTS,
        Campaign.Kind.WEBINAR,
        30,
        (6, 4),
        {
            "buying_step": BuyingStep.CONSIDERATION,
            "objective": "120 registrations and 40 MQLs from operations leaders",
            "audience": "Heads of operations at software companies of 200 to 2,000 people",
            "message": "See what your funnel loses between marketing and sales, live",
            "sales_material": "Slides, a two-minute recap video and a follow-up e-mail template",
            "sales_follow_up": "Call every attendee who asked a question within two working days",
        },
    ),
    (
        "Customer summit",
        Channel.EVENTS,
        Campaign.Kind.EVENT,
        45,
        (3, None),
        {
            "buying_step": BuyingStep.LOYALTY,
            "objective": "Renewal talks with the 30 largest customers before their term ends",
            "audience": "Customers' executive sponsors and their champions",
            "message": "What the next year of the roadmap brings to your team",
            "sales_material": "Invitation list per account, a renewal offer agreed with finance",
            "sales_follow_up": "Book a review with each sponsor who attends",
        },
    ),
    (
        "Year-end price promotion",
        Channel.PAID_SEARCH,
        Campaign.Kind.ADVERTISING,
        7,
        (2, 1),
        {
            "buying_step": BuyingStep.PURCHASE,
            "objective": "Close open opportunities before the year ends",
            "audience": "Open opportunities in proposal or negotiation",
            "message": "Two months free on annual plans signed this month",
            "sales_material": "Promotion terms and a one-page price sheet",
            "sales_follow_up": "Offer it only to deals past the proposal stage",
        },
    ),
]

COMMENTS = {
    True: [
        "The one-pager answered the pricing question before I had to",
        "Leads from this knew what we do; first calls went straight to the demo",
        "Customers quoted the case study back to me",
        "",
    ],
    False: [
        "Leads were students and job seekers, not buyers",
        "The material promised a feature we do not sell yet",
        "Nobody told us it was running until the leads arrived",
        "",
    ],
}
# How likely a rep finds a campaign of this channel useful: events and referrals bring buyers.
USEFUL_SHARE: dict[str, float] = {
    Channel.EVENTS: 0.85,
    Channel.REFERRAL: 0.75,
    Channel.DISPLAY: 0.3,
}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _seed_process(head: User, today: dt.date) -> int:
    for step in BuyingStep.values:
        stage = default_stage(step)
        stage.edited_by, stage.edited_at = head, _at(today - dt.timedelta(days=60))
        stage.save()
    PlanningSettings.objects.create(notice_days=NOTICE_DAYS, edited_by=head)
    return len(BuyingStep.values)


def _seed_plans(today: dt.date, heads: dict[str | None, User], marketer: User, team: Team) -> int:
    for name, channel, kind, starts_in, (marketing_ago, sales_ago), content in UPCOMING:
        start = today + dt.timedelta(days=starts_in)
        campaign = Campaign.objects.create(
            name=f"{name} ({start:%b %Y})",
            channel=channel,
            kind=kind,
            start_date=start,
            end_date=start + dt.timedelta(days=14),
            owner_team=team,
            utm_campaign=f"{'-'.join(name.lower().split())}-{start:%Y-%m}",
        )
        plan = CampaignPlan(campaign=campaign, edited_by=marketer, **content)
        plan.created_at = plan.edited_at = _at(today - dt.timedelta(days=marketing_ago + 3))
        plan.marketing_signed_by = heads[Team.Kind.MARKETING]
        plan.marketing_signed_at = _at(today - dt.timedelta(days=marketing_ago))
        if sales_ago is not None:
            plan.sales_signed_by = heads[Team.Kind.SALES]
            plan.sales_signed_at = plan.announced_at = _at(today - dt.timedelta(days=sales_ago))
        plan.save()
    return len(UPCOMING)


def _seed_ratings(rng: random.Random, today: dt.date, reps: list[User]) -> int:
    recent = Campaign.objects.filter(
        status__in=[Campaign.Status.ACTIVE, Campaign.Status.COMPLETED],
        start_date__gte=today - dt.timedelta(days=75),
        start_date__lt=today,
    ).order_by("start_date", "name")
    yesterday = today - dt.timedelta(days=1)
    ratings = []
    for campaign in recent:
        for rep in reps:
            if rng.random() < 0.5:
                continue
            useful = rng.random() < USEFUL_SHARE.get(campaign.channel, 0.6)
            ratings.append(
                CampaignRating(
                    campaign=campaign,
                    rep=rep,
                    useful=useful,
                    comment=rng.choice(COMMENTS[useful]),
                    rated_at=_at(min(yesterday, campaign.end_date or yesterday), 16),
                )
            )
    CampaignRating.objects.bulk_create(ratings)
    return len(ratings)


def seed_demo(today: dt.date, seed: int) -> dict[str, int]:
    """Write the joint plan of the demo company (its personas and campaigns must exist)."""
    rng = random.Random(seed)
    users = User.objects.select_related("team")
    heads = {u.team_kind: u for u in users if u.is_head and u.team_id}
    reps = sorted((u for u in users if u.role == User.Role.REP), key=lambda u: u.email)
    marketer = min((u for u in users if u.role == User.Role.MARKETER), key=lambda u: u.email)
    team = heads[Team.Kind.MARKETING].team
    assert team is not None  # a head leads a team
    return {
        "planning.buyingstage": _seed_process(heads[Team.Kind.MARKETING], today),
        "planning.campaignplan": _seed_plans(today, heads, marketer, team),
        "planning.campaignrating": _seed_ratings(rng, today, reps),
    }
