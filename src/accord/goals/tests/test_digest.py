"""The weekly digest e-mail and the `accord digest` command."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.factories import CampaignFactory

from accord.goals.services import do_set_goal
from accord.touchpoints.models import Campaign

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_both_teams_get_the_weeks_numbers(marketing_head, marketer, sales_head, rep, admin_user):
    do_set_goal(sales_head, period="month", day=dt.date(2026, 5, 1), amount=Decimal("20000"))
    CampaignFactory(name="Spring webinar", status=Campaign.Status.ACTIVE)

    out = io.StringIO()
    call_command("digest", "--date", "2026-05-20", stdout=out)

    assert out.getvalue() == "Sent the weekly digest to 4 people.\n"

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (marketing_head, marketer, sales_head, rep)
    )
    message = mail.outbox[0]
    assert message.subject == "Accord weekly digest: 13 May to 20 May 2026"
    assert "of the $20,000.00 goal for May 2026 (0%)" in message.body
    assert "0 leads missed a clock" in message.body
    assert "- Spring webinar" in message.body
    assert "No lead was rejected." in message.body


def test_a_date_that_is_not_a_date_is_refused():
    with pytest.raises(CommandError, match="not a date"):
        call_command("digest", "--date", "soon")
    assert mail.outbox == []
