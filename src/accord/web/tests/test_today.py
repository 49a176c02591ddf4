"""The home page says what needs each person today: a rep's leads waiting and clocks running
out; the sales head's breaches and pool; a head's signatures to give; marketing's rejections
and sales' ratings of their campaigns; an admin's failing health checks."""

import datetime as dt

from django.utils import timezone
from tests.factories import CampaignFactory, PersonFactory, TouchpointFactory

from accord.crm.models import LifecycleStage
from accord.handoff.models import Handoff
from accord.planning.models import CampaignPlan, CampaignRating


def _today(client, user) -> dict[str, str]:
    client.force_login(user)
    return {need.key: need.value for need in client.get("/").context["needs"]}


def _handoff(rep, *, due_in: dt.timedelta, **fields) -> Handoff:
    now = timezone.now()
    return Handoff.objects.create(
        person=fields.pop("person", None) or PersonFactory(owner=rep),
        assigned_to=rep,
        team=rep.team,
        reason="round robin",
        handed_off_at=now - dt.timedelta(hours=1),
        first_touch_due_at=now + due_in,
        decision_due_at=now + due_in + dt.timedelta(days=2),
        **fields,
    )


def test_a_rep_sees_the_leads_waiting_and_the_clocks_running_out(client, rep, other_rep):
    _handoff(rep, due_in=dt.timedelta(hours=3))
    _handoff(rep, due_in=-dt.timedelta(hours=2))
    _handoff(rep, due_in=dt.timedelta(days=3), status=Handoff.Status.ACCEPTED)
    _handoff(other_rep, due_in=dt.timedelta(hours=3))

    today = _today(client, rep)

    assert today["waiting"] == "2"
    assert today["due-soon"] == "1"
    assert today["overdue"] == "1"
    assert "pool" not in today and "plans" not in today


def test_the_sales_head_sees_breaches_the_pool_signatures_and_the_goal(
    client, sales_head, marketer, rep
):
    _handoff(rep, due_in=-dt.timedelta(hours=5), first_touch_breached_at=timezone.now())
    PersonFactory(lifecycle_stage=LifecycleStage.MQL)
    CampaignPlan.objects.create(campaign=CampaignFactory(), objective="Forty leads")
    CampaignPlan.objects.create(
        campaign=CampaignFactory(), objective="Ten leads", sales_signed_at=timezone.now()
    )

    today = _today(client, sales_head)

    assert today["breaches"] == "1"
    assert today["pool"] == "1"
    assert today["plans"] == "1"
    assert today["goal"] == "none set"


def test_a_marketer_sees_the_weeks_rejections_and_ratings_of_their_campaigns(client, marketer, rep):
    ours = CampaignFactory(owner_team=marketer.team)
    theirs = CampaignFactory()
    rejected = TouchpointFactory(campaign=ours).person
    elsewhere = TouchpointFactory(campaign=theirs).person
    for person in (rejected, elsewhere):
        _handoff(
            rep,
            person=person,
            due_in=dt.timedelta(hours=1),
            status=Handoff.Status.REJECTED,
            reject_reason="wrong_fit",
            decided_at=timezone.now(),
        )
    CampaignRating.objects.create(campaign=ours, rep=rep, useful=True)

    today = _today(client, marketer)

    assert today["rejected"] == "1"
    assert today["ratings"] == "1 of 1 useful"
    assert "waiting" not in today and "plans" not in today


def test_an_admin_is_told_of_failing_health_checks_and_sees_the_shared_numbers(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/")

    # no `accord worker` has run here: its check fails
    [need] = response.context["needs"]
    assert (need.label, need.value, need.url, need.urgent) == (
        "Health checks failing",
        "1",
        "/health/",
        True,
    )
    assert '<h2 class="section">The shared numbers</h2>' in response.content.decode()
