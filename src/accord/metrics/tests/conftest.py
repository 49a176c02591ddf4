import datetime as dt
from decimal import Decimal

import pytest
from tests.factories import CampaignFactory, OpportunityFactory, TouchpointFactory

from accord.crm.models import PipelineStage
from accord.metrics.tests.test_queries import JAN, person


@pytest.fixture
def company():
    search = CampaignFactory(name="=Search", cost=Decimal("1000"))
    for index in range(3):
        buyer = person(JAN, ["lead", "mql", "sal", "sql", "opportunity", "customer"])
        TouchpointFactory(person=buyer, campaign=search, occurred_at=JAN)
        OpportunityFactory(
            primary_contact=buyer,
            amount=Decimal("1000") * (index + 1),
            stage=PipelineStage.CLOSED_WON,
            created_date=dt.date(2026, 1, 10),
            close_date=dt.date(2026, 2, 1),
        )
    person(JAN, ["lead", "mql", "disqualified"])
