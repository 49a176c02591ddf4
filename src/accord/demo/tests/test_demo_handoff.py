"""The demo company hands leads to every rep, the same ones for the same seed."""

import pytest
from django.db.models import F

from accord.agreement.selectors import get_agreement_in_force
from accord.demo.services import do_load_demo
from accord.handoff.models import Handoff
from accord.handoff.tests.helpers import inbox_for
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


def test_the_demo_has_a_year_of_handoffs_that_agree_with_the_lifecycle_history():
    import datetime as dt

    from django.utils import timezone

    from accord.crm.models import LifecycleChange, LifecycleStage
    from accord.metrics.queries import SlaComplianceQuery, run_sla_compliance

    do_load_demo(seed=42, size="small", progress=False)

    today = timezone.now().date()
    year = run_sla_compliance(SlaComplianceQuery(start=today - dt.timedelta(days=365), end=today))
    assert all(month.handoffs > 0 for month in year.sales)
    rates = {month.first_touch_rate for month in year.sales}
    assert min(rates) < max(rates) < 1  # some months better than others, none perfect
    past = Handoff.objects.filter(reason__contains="before Accord")
    reasons = set(
        past.filter(status=Handoff.Status.REJECTED).values_list("reject_reason", flat=True)
    )
    assert len(reasons) >= 5
    disqualified = set(
        LifecycleChange.objects.filter(to_stage=LifecycleStage.DISQUALIFIED).values_list(
            "person_id", flat=True
        )
    )
    rejected = set(past.filter(status=Handoff.Status.REJECTED).values_list("person_id", flat=True))
    assert rejected and rejected <= disqualified
    reached_sql = set(
        LifecycleChange.objects.filter(to_stage=LifecycleStage.SQL).values_list(
            "person_id", flat=True
        )
    )
    converted = set(
        past.filter(status=Handoff.Status.CONVERTED).values_list("person_id", flat=True)
    )
    assert converted and converted <= reached_sql
    assert not past.filter(first_touched_at__gt=F("decided_at")).exists()


def test_a_rep_sees_the_leads_waiting_for_a_decision_before_the_accepted_ones():
    do_load_demo(seed=42, size="small", progress=False)

    for rep in User.objects.filter(role=User.Role.REP):
        waiting = [item.handoff.decided_at is None for item in inbox_for(rep)]
        assert True in waiting and False in waiting
        assert waiting == sorted(waiting, reverse=True), f"{rep}: an accepted lead comes first"
