"""The demo company hands leads to every rep, the same ones for the same seed."""

import pytest

from accord.agreement.selectors import get_agreement_in_force
from accord.demo.services import do_load_demo
from accord.handoff.models import Handoff
from accord.handoff.selectors import inbox_for
from accord.teams.models import User

pytestmark = pytest.mark.django_db


def handed() -> set[tuple[str, str, str]]:
    rows = Handoff.objects.values_list("person__email", "assigned_to__email", "status")
    return set(rows)


def test_every_demo_rep_finds_scored_leads_in_their_inbox():
    do_load_demo(seed=7, size="tiny", progress=False)

    assert get_agreement_in_force() is not None
    for rep in User.objects.filter(role=User.Role.REP):
        items = inbox_for(rep)
        assert items, f"{rep} has an empty inbox"
        assert all(item.explanation for item in items)
        assert any(item.first_touch_left is not None for item in items)


def test_the_same_seed_hands_over_the_same_leads():
    do_load_demo(seed=7, size="tiny", progress=False)
    first = handed()

    do_load_demo(seed=7, size="tiny", reset=True, progress=False)

    assert handed() == first


def test_the_demo_agreement_commits_marketing_to_what_it_has_been_delivering():
    import datetime as dt

    from django.utils import timezone

    from accord.metrics.queries import SlaComplianceQuery, run_sla_compliance

    do_load_demo(seed=42, size="small", progress=False)

    today = timezone.now().date()
    year = SlaComplianceQuery(start=today - dt.timedelta(days=365), end=today)
    met = [month.met for month in run_sla_compliance(year).marketing]
    commitment = get_agreement_in_force().document.sla.mqls_per_month
    assert commitment % 5 == 0 and commitment != 200  # 200 is the default, for a larger company
    assert True in met and False in met
