"""A quarter with a shared goal, a plan, two won deals and a campaign idea that earned one."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from tests.factories import CampaignFactory, OpportunityFactory, PersonFactory, TouchpointFactory

from accord.crm.models import PipelineStage
from accord.goals.plan import check_plan
from accord.goals.services import do_record_idea, do_save_plan, do_set_goal

Q1 = dt.date(2026, 2, 15)
PLAN = {
    "rate": "0.05",
    "threshold": "0.8",
    "split": {"sales": "60", "marketing": "40"},
    "accelerators": [{"above": "1", "multiplier": "1.5"}],
    "recognition": {"share": "10", "model": "linear"},
}


def won(amount: str, day: dt.date, person=None):
    return OpportunityFactory(
        amount=Decimal(amount),
        stage=PipelineStage.CLOSED_WON,
        close_date=day,
        created_date=day - dt.timedelta(days=20),
        primary_contact=person,
    )


@pytest.fixture
def quarter(marketing_head, sales_head, marketer, rep, other_rep):
    """Goal 100,000 for Q1 2026; won 130,000 (120,000 plain, 10,000 after one touch of the
    Webinar, Mia's idea). Pool 3,250.00; recognition 325.00 all Mia's; teams 2,925.00: sales
    1,755.00 over Ray, Rita and Sam = 585.00 each; marketing 1,170.00 over Maria and Mia."""
    goal = do_set_goal(sales_head, period="quarter", day=Q1, amount=Decimal("100000"))
    with time_machine.travel(dt.datetime(2025, 12, 15, 9, tzinfo=dt.UTC), tick=False):
        do_save_plan(marketing_head, check_plan(PLAN))  # in force from before the quarter
    webinar = CampaignFactory(name="Webinar")
    buyer = PersonFactory()
    TouchpointFactory(
        person=buyer, campaign=webinar, occurred_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    )
    won("120000", dt.date(2026, 1, 20))
    won("10000", dt.date(2026, 2, 10), person=buyer)
    won("50000", dt.date(2026, 4, 2))  # next quarter
    do_record_idea(marketing_head, campaign=webinar, person=marketer)
    return goal
