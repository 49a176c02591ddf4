import datetime as dt

import pytest
from tests.factories import CampaignFactory

from accord.planning.services import do_write_plan

LAUNCH = dt.date(2026, 6, 1)


@pytest.fixture
def campaign(db):
    return CampaignFactory(name="Spring webinar", start_date=LAUNCH, end_date=LAUNCH)


@pytest.fixture
def plan(campaign, marketer):
    return do_write_plan(
        marketer,
        campaign,
        {
            "buying_step": "consideration",
            "objective": "Forty MQLs from operations managers",
            "sales_material": "A one-page comparison with the incumbent",
        },
    )


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)
