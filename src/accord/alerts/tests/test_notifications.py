"""The bell: each alert e-mailed to a person is also a notification in Accord, written in the
same transaction, unread until they open it, linked to the record it is about."""

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accord.alerts.models import Notification
from accord.alerts.services import do_mark_all_read
from accord.handoff.models import Handoff
from accord.handoff.routing import do_route
from accord.handoff.services import do_mark_breaches, do_reject
from accord.handoff.tests.helpers import mql


class Undo(Exception):
    pass


def _bell(client) -> str:
    page = client.get("/").content.decode()
    start = page.index('data-testid="bell"')
    return page[start : page.index("</a>", start)]


def test_a_routed_lead_rings_the_reps_bell_linked_to_the_lead(client, round_robin, rep, terms):
    handoff = do_route(mql(first_name="Ann", last_name="Lee"), terms)
    client.force_login(rep)

    assert '1<span class="visually-hidden"> unread</span>' in _bell(client)
    page = client.get("/notifications/").content.decode()
    assert "New lead for you: Ann Lee" in page and "1 unread." in page

    [notification] = Notification.objects.filter(recipient=rep)
    opened = client.get(f"/notifications/{notification.pk}/")

    assert opened.status_code == 302 and opened["Location"] == f"/inbox/{handoff.pk}/"
    assert "unread" not in _bell(client)
    assert "0 unread." in client.get("/notifications/").content.decode()


def test_a_rolled_back_handoff_rings_no_bell(round_robin, terms):
    with pytest.raises(Undo), transaction.atomic():
        do_route(mql(), terms)
        raise Undo

    assert Notification.objects.count() == 0


def test_a_missed_clock_rings_the_rep_and_the_sales_head(round_robin, rep, sales_head, terms):
    handoff = do_route(mql(first_name="Ann", last_name="Lee"), terms)
    Handoff.objects.filter(pk=handoff.pk).update(
        first_touch_due_at=timezone.now() - dt.timedelta(hours=1)
    )

    do_mark_breaches()

    breached = Notification.objects.filter(alert__event="sla.breached").select_related("alert")
    assert sorted(n.recipient_id for n in breached) == sorted([rep.pk, sales_head.pk])
    assert {n.alert.link for n in breached} == {f"/inbox/{handoff.pk}/"}


def test_a_rejection_rings_marketings_head_linked_to_the_person(
    round_robin, rep, terms, marketing_head, marketer
):
    handoff = do_route(mql(first_name="Ann", last_name="Lee"), terms)

    do_reject(handoff, rep, "no_budget", "", terms)

    [notification] = Notification.objects.filter(alert__event="lead.rejected")
    assert notification.recipient == marketing_head
    assert notification.alert.link == f"/people/{handoff.person_id}/"


def test_opening_twice_keeps_when_it_was_first_read(client, round_robin, rep, terms):
    do_route(mql(), terms)
    [notification] = Notification.objects.all()
    client.force_login(rep)

    client.get(f"/notifications/{notification.pk}/")
    first = Notification.objects.get().read_at
    client.post(f"/notifications/{notification.pk}/read/")

    assert first is not None and Notification.objects.get().read_at == first


def test_nobody_opens_another_persons_notification(client, round_robin, terms, other_rep):
    do_route(mql(), terms)
    [notification] = Notification.objects.all()
    client.force_login(other_rep)

    assert client.get(f"/notifications/{notification.pk}/").status_code == 404
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    assert Notification.objects.get().read_at is None


def test_mark_all_read_sent_twice_reads_once(client, round_robin, rep, terms):
    for n in range(3):
        do_route(mql(email=f"lead{n}@northwind.example"), terms)
    client.force_login(rep)

    first = client.post("/notifications/read/", follow=True).content.decode()
    second = client.post("/notifications/read/", follow=True).content.decode()

    assert "Marked 3 notifications read." in first
    assert "This form was sent twice; it was carried out once." in second
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert do_mark_all_read(rep) == 0  # from another tab later: nothing left to read


def test_mark_all_read_needs_the_forms_csrf_token(round_robin, rep, terms):
    do_route(mql(), terms)
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)

    assert client.post("/notifications/read/").status_code == 403
    assert Notification.objects.get().read_at is None


def test_the_api_lists_the_callers_notifications(api_as, round_robin, rep, other_rep, terms):
    handoff = do_route(mql(first_name="Ann", last_name="Lee"), terms)
    do_route(mql(email="second@northwind.example"), terms)
    Notification.objects.filter(alert__subject="New lead for you: Ann Lee").update(
        read_at=timezone.now()
    )

    everything = api_as(rep).get("/notifications").json()
    unread = api_as(rep).get("/notifications", unread="true").json()

    assert everything["count"] == 2 and unread["count"] == 1
    assert everything["items"][1]["link"] == f"/inbox/{handoff.pk}/"
    assert everything["items"][1]["event"] == "lead.routed"
    assert everything["items"][1]["read_at"] is not None
    assert api_as(other_rep).get("/notifications").json()["count"] == 0
