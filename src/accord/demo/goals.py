"""The demo company's shared goals and rhythm: goals for this quarter and the last, a reward plan
whose second version took effect this quarter, the campaign ideas behind the busiest campaigns,
job-shadowing sign-ups, and last week's joint meeting with its action items. (The liaisons are
named with the personas.)

Deterministic from the seed and the day the demo is made. The previous quarter's goal sits a
little under what was won, so its page shows an accelerated pool; this quarter's sits above.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from accord.goals.meetings import do_add_action_item, do_complete_action_item, do_record_meeting
from accord.goals.models import ActionItem, CampaignIdea, RevenueGoal, RewardPlanVersion, Rotation
from accord.goals.people import do_sign_up
from accord.goals.periods import QUARTER, period_bounds, previous_period
from accord.goals.plan import check_plan
from accord.goals.selectors import goal_progress
from accord.goals.services import do_record_idea, do_save_plan, do_set_goal
from accord.teams.models import Team, User
from accord.touchpoints.models import Campaign

FALLBACK_GOAL = Decimal("250000")
IDEAS = 6
PLAN = {
    "rate": "0.04",
    "threshold": "0.8",
    "split": {"sales": "60", "marketing": "40"},
    "accelerators": [{"above": "1", "multiplier": "1.5"}],
    "recognition": {"share": "10", "model": "linear"},
}
ACTIONS = [
    ("Call back every lead rejected for bad timing in the last month", "rep2@demo.accord", 7),
    ("Refresh the pricing one-pager with the objections Sales hears", "marketer2@demo.accord", 10),
    ("Agree the webinar follow-up script with both liaisons", "marketer1@demo.accord", 5),
]


def _rounded(amount: Decimal) -> Decimal:
    return max(Decimal(round(amount, -4)), Decimal("10000"))


def _goals(head: User, today: dt.date) -> None:
    start, _ = previous_period(QUARTER, today)
    last = do_set_goal(head, period=QUARTER, day=start, amount=FALLBACK_GOAL)
    won = goal_progress(last).won_revenue
    if won:
        last = do_set_goal(head, period=QUARTER, day=start, amount=_rounded(won * Decimal("0.9")))
    do_set_goal(head, period=QUARTER, day=today, amount=_rounded(last.amount * Decimal("1.15")))


def _plans(heads: dict[str | None, User], today: dt.date) -> None:
    """Version 1 in force since the start of last quarter, version 2 since this quarter's: each
    quarter's payouts follow its own version. (Dated by hand: the demo writes history.)"""
    last_quarter, _ = previous_period(QUARTER, today)
    this_quarter, _ = period_bounds(QUARTER, today)
    first = do_save_plan(heads[Team.Kind.MARKETING], check_plan(PLAN | {"rate": "0.03"}))
    second = do_save_plan(heads[Team.Kind.SALES], check_plan(PLAN))
    for version, day in ((first, last_quarter), (second, this_quarter)):
        moment = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
        RewardPlanVersion.objects.filter(pk=version.pk).update(created_at=moment)


def _ideas(rng: random.Random, heads: dict[str | None, User]) -> None:
    people = list(
        User.objects.filter(is_active=True, role__in=[User.Role.MARKETER, User.Role.REP])
        .exclude(team=None)
        .order_by("email")
    )
    busiest = Campaign.objects.annotate(n=Count("touchpoints")).order_by("-n", "name")[:IDEAS]
    for campaign in busiest:
        for person in rng.sample(people, k=rng.choice([1, 1, 2])):
            do_record_idea(heads[Team.Kind.MARKETING], campaign=campaign, person=person)


def _sign_ups(users: dict[str, User], today: dt.date) -> None:
    day = max(today, timezone.localdate())  # sign-ups are for days to come
    week = day + dt.timedelta(days=7 - day.weekday())
    do_sign_up(
        users["marketer3@demo.accord"],
        kind=Rotation.Kind.SHADOWING,
        starts_on=week,
        ends_on=week + dt.timedelta(days=1),
        note="Sit in on discovery calls",
    )
    do_sign_up(
        users["rep3@demo.accord"],
        kind=Rotation.Kind.ROTATION,
        starts_on=week + dt.timedelta(days=14),
        ends_on=week + dt.timedelta(days=25),
        note="Help plan the EMEA campaign",
    )


def _meeting(users: dict[str, User], heads: dict[str | None, User], today: dt.date) -> None:
    held = today - dt.timedelta(days=7)
    meeting = do_record_meeting(
        heads[Team.Kind.SALES],
        held_on=held,
        title="Weekly sales and marketing meeting",
        notes="Rejections for bad timing are up; the spring webinar brought the best leads.",
    )
    for text, owner, days in ACTIONS:
        do_add_action_item(
            heads[Team.Kind.SALES],
            meeting,
            text=text,
            owner=users[owner],
            due_on=held + dt.timedelta(days=days),
        )
    first = meeting.action_items.order_by("id").first()
    assert first is not None  # added just above
    do_complete_action_item(first.owner, first)


def seed_demo(today: dt.date, rng_seed: int) -> dict[str, int]:
    rng = random.Random(f"goals-{rng_seed}")
    users = {user.email: user for user in User.objects.filter(email__endswith="@demo.accord")}
    heads = {user.team_kind: user for user in users.values() if user.is_head}
    _goals(heads[Team.Kind.SALES], today)
    _plans(heads, today)
    _ideas(rng, heads)
    _sign_ups(users, today)
    _meeting(users, heads, today)
    return {
        "goals.revenuegoal": RevenueGoal.objects.count(),
        "goals.campaignidea": CampaignIdea.objects.count(),
        "goals.rotation": Rotation.objects.count(),
        "goals.actionitem": ActionItem.objects.count(),
    }
