"""Each person chooses how they hear of each kind of event: the bell, e-mail, both or neither.
The outbox and the bell keep the choice on every path (PostgreSQL's one statement, the others'
queries); until a person chooses, each event has its default."""

import pytest
from django.core import mail
from tests.factories import CampaignFactory, TouchpointFactory

from accord.alerts.models import Delivery, Event, Notification
from accord.alerts.preferences import IN_MY_WORDS, Channels
from accord.alerts.services import do_choose_channels, do_send_due
from accord.handoff.alerts import notify_clock_running_out
from accord.handoff.models import SlaClock
from accord.handoff.routing import do_route
from accord.handoff.services import do_reject
from accord.handoff.tests.helpers import mql


@pytest.fixture
def rejected_from_our_campaign(round_robin, rep, terms, marketing_team):
    """A lead that came through a campaign the marketing team owns, then rejected."""

    def reject():
        handoff = do_route(mql(first_name="Ann", last_name="Lee"), terms)
        campaign = CampaignFactory(name="Autumn webinar", owner_team=marketing_team)
        TouchpointFactory(person=handoff.person, campaign=campaign)
        do_reject(handoff, rep, "no_budget", "", terms)
        do_send_due()

    return reject


def rung(event: str) -> set[str]:
    return set(
        Notification.objects.filter(alert__event=event).values_list("recipient__email", flat=True)
    )


def mailed(event: str) -> set[str]:
    return set(
        Delivery.objects.filter(alert__event=event, channel="email").values_list("email", flat=True)
    )


def test_by_default_a_rejection_emails_the_head_and_rings_only_the_bell_of_the_campaigns_team(
    rejected_from_our_campaign, marketing_head, marketer
):
    rejected_from_our_campaign()

    assert rung(Event.LEAD_REJECTED) == {marketing_head.email, marketer.email}
    assert mailed(Event.LEAD_REJECTED) == {marketing_head.email}
    assert [m.to for m in mail.outbox if m.subject.startswith("Lead rejected")] == [
        [marketing_head.email]
    ]


def test_a_marketer_who_turns_rejections_off_hears_nothing_of_them(
    rejected_from_our_campaign, marketing_head, marketer
):
    do_choose_channels(marketer, {Event.LEAD_REJECTED: Channels(bell=False, email=False)})

    rejected_from_our_campaign()

    assert rung(Event.LEAD_REJECTED) == {marketing_head.email}
    assert marketer.email not in mailed(Event.LEAD_REJECTED)


def test_a_head_who_wants_rejections_in_the_bell_only_is_not_emailed(
    rejected_from_our_campaign, marketing_head, marketer
):
    do_choose_channels(marketing_head, {Event.LEAD_REJECTED: Channels(bell=True, email=False)})
    do_choose_channels(marketer, {Event.LEAD_REJECTED: Channels(bell=True, email=True)})

    rejected_from_our_campaign()

    assert rung(Event.LEAD_REJECTED) == {marketing_head.email, marketer.email}
    assert mailed(Event.LEAD_REJECTED) == {marketer.email}


def test_a_rep_who_wants_new_leads_by_email_only_has_nothing_in_the_bell(round_robin, rep, terms):
    do_choose_channels(rep, {Event.LEAD_ROUTED: Channels(bell=False, email=True)})

    do_route(mql(first_name="Ann", last_name="Lee"), terms)

    assert rung(Event.LEAD_ROUTED) == set()
    assert mailed(Event.LEAD_ROUTED) == {rep.email}


def test_a_clock_running_out_is_emailed_to_a_rep_who_asks_for_it(round_robin, rep, terms):
    handoff = do_route(mql(first_name="Ann", last_name="Lee"), terms)
    assert notify_clock_running_out(handoff, SlaClock.FIRST_TOUCH) is not None
    assert mailed(Event.SLA_DUE_SOON) == set()  # the bell only, by default

    do_choose_channels(rep, {Event.SLA_DUE_SOON: Channels(bell=True, email=True)})
    notify_clock_running_out(handoff, SlaClock.FIRST_TOUCH)
    do_send_due()

    assert mailed(Event.SLA_DUE_SOON) == {rep.email}
    assert any(m.subject.startswith("Due by") and m.to == [rep.email] for m in mail.outbox)


def test_choosing_the_same_again_changes_nothing(rep):
    assert do_choose_channels(rep, {Event.LEAD_ROUTED: Channels(bell=True, email=True)}) == 0
    assert do_choose_channels(rep, {Event.LEAD_ROUTED: Channels(bell=True, email=False)}) == 1
    assert do_choose_channels(rep, {Event.LEAD_ROUTED: Channels(bell=True, email=False)}) == 0


def test_the_settings_page_names_every_kind_of_event():
    assert set(IN_MY_WORDS) == set(Event.values)


def test_a_person_changes_their_settings_on_the_page(client, marketer):
    client.force_login(marketer)

    page = client.get("/").content.decode()
    assert 'href="/notifications/settings/"' in page  # from the header, on every page
    form = client.get("/notifications/settings/").context["form"]
    assert form["lead_rejected"].initial == ["bell"]
    assert form["lead_routed"].initial == ["bell", "email"]

    chosen = {field.name: field.initial for field in form}
    chosen |= {"lead_rejected": [], "plan_to_sign": ["bell", "email"]}
    saved = client.post("/notifications/settings/", chosen, follow=True)

    assert "Saved: 2 kinds of event changed." in saved.content.decode()
    form = saved.context["form"]
    assert form["lead_rejected"].initial == [] and form["plan_to_sign"].initial == [
        "bell",
        "email",
    ]


def test_an_unknown_choice_is_refused_beside_its_field_and_nothing_is_saved(client, marketer):
    client.force_login(marketer)

    answer = client.post("/notifications/settings/", {"lead_rejected": ["bell", "pigeon"]})

    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'data-testid="error-summary"' in page and 'id="id_lead_rejected_error"' in page
    assert not marketer.notification_preferences.exists()
