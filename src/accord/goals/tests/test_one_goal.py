"""The shared goal and the revenue won against it are one figure wherever they are shown: the
dashboard, the goals page, the weekly digest and the API."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from accord.goals.digest import do_send_digest
from accord.goals.services import do_set_goal
from accord.goals.tests.conftest import won

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def two_quarters(sales_head):
    """Last quarter's goal 240,000 (won 250,000); this quarter's 280,000 (won 150,000 so far);
    a year of other deals won before both."""
    do_set_goal(sales_head, period="quarter", day=dt.date(2026, 2, 1), amount=Decimal("240000"))
    do_set_goal(sales_head, period="quarter", day=TODAY, amount=Decimal("280000"))
    won("250000", dt.date(2026, 3, 3))
    won("100000", dt.date(2026, 4, 2))
    won("50000", dt.date(2026, 5, 10))
    for month in range(6, 13):
        won("90000", dt.date(2025, month, 5))


def _shown(text: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</p>', text, re.S)
    return " ".join(html.unescape(found.group(1)).split())


@time_machine.travel(dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC), tick=False)
def test_every_page_the_digest_and_the_api_show_the_same_goal(
    client, api_as, two_quarters, marketer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(marketer)
    expected = (
        "Won $150,000.00 of the $280,000.00 goal for Q2 2026 (54%) from 2 deals, "
        "1 Apr to 30 Jun 2026."
    )

    dashboard = client.get("/dashboard/panels/pipeline/").content.decode()
    goals_page = client.get("/goals/").content.decode()
    meetings = client.get("/meetings/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        do_send_digest(TODAY)
    api = api_as(marketer).get("/goals")

    assert _shown(dashboard, "goal") == expected
    assert _shown(goals_page, "goal-progress") == expected
    assert _shown(meetings, "agenda-goal") == expected
    assert expected in " ".join(mail.outbox[0].body.split())
    this_quarter = next(g for g in api.json() if g["name"] == "Q2 2026")
    assert (this_quarter["amount"], this_quarter["won_revenue"], this_quarter["progress"]) == (
        "280000.00",
        "150000.00",
        0.5357,
    )
