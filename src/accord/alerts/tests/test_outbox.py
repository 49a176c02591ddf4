"""Alerts are queued with the change that causes them: a rolled-back handoff alerts nobody, a
committed one is e-mailed through Django's mail settings to the people it concerns."""

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from accord.alerts.models import Alert, Delivery, Event, Notification
from accord.alerts.preferences import Channels
from accord.alerts.services import do_choose_channels, do_send_due
from accord.alerts.tasks import send_alerts
from accord.handoff.models import RoutingMember
from accord.handoff.routing import do_route, route_batch
from accord.handoff.services import do_reject
from accord.handoff.tests.helpers import mql
from accord.teams.models import User


class Undo(Exception):
    pass


def test_a_rolled_back_handoff_alerts_nobody(receiver, endpoint, round_robin, terms):
    with pytest.raises(Undo), transaction.atomic():
        do_route(mql(), terms)
        raise Undo

    assert do_send_due() == 0
    assert (Alert.objects.count(), Delivery.objects.count(), DBTaskResult.objects.count()) == (
        0,
        0,
        0,
    )
    assert mail.outbox == [] and receiver.received == []


def test_a_committed_handoff_wakes_the_worker(
    round_robin, terms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        do_route(mql(), terms)

    assert DBTaskResult.objects.get().task_path == "accord.alerts.tasks.send_alerts"


def test_a_burst_of_handoffs_makes_one_job_that_sends_every_alert(
    round_robin, rep, terms, django_capture_on_commit_callbacks
):
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            do_route(mql(email=f"lead{n}@northwind.example"), terms)
    [job] = DBTaskResult.objects.all()

    send_alerts.call()

    assert len(mail.outbox) == 5
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}
    DBTaskResult.objects.filter(pk=job.pk).update(status="SUCCESSFUL")  # the worker ran it
    with django_capture_on_commit_callbacks(execute=True):
        do_route(mql(email="later@northwind.example"), terms)
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_one_job_sends_more_alerts_than_it_reads_at_a_time(round_robin, rep, terms):
    for n in range(5):
        do_route(mql(email=f"lead{n}@northwind.example"), terms)

    assert do_send_due(limit=2) == 5
    assert len(mail.outbox) == 5


def test_the_rep_is_emailed_their_new_lead(round_robin, rep, terms):
    do_route(mql(email="ann@northwind.example", first_name="Ann", last_name="Lee"), terms)

    do_send_due()

    [message] = mail.outbox
    assert message.to == [rep.email]
    assert message.subject == "New lead for you: Ann Lee"
    assert "ann@northwind.example" in message.body
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_a_rejection_tells_marketings_heads_and_liaisons(
    round_robin, rep, terms, marketing_head, marketer, marketing_team
):
    liaison = User.objects.create_user(
        "liaison@demo.accord", team=marketing_team, role=User.Role.MARKETER, is_liaison=True
    )
    handoff = do_route(mql(first_name="Ann", last_name="Lee"), terms)
    do_send_due()
    mail.outbox.clear()

    do_reject(handoff, rep, "no_budget", "Frozen until Q3", terms)
    do_send_due()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([marketing_head.email, liaison.email])
    assert marketer.email not in {m.to[0] for m in mail.outbox}
    assert {m.subject for m in mail.outbox} == {"Lead rejected: Ann Lee (no budget)"}
    assert all("Frozen until Q3" in m.body for m in mail.outbox)


def test_an_unreachable_mail_server_is_retried(round_robin, terms, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    do_route(mql(), terms)

    do_send_due()

    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error.startswith("mail not sent:")
    assert delivery.next_attempt_at > delivery.attempt_log.get().started_at


def test_a_batch_of_leads_tells_each_rep_as_they_chose_and_queues_one_job(
    round_robin, rep, other_rep, terms, endpoint, receiver, django_capture_on_commit_callbacks
):
    RoutingMember.objects.create(rule=round_robin, user=other_rep)
    do_choose_channels(other_rep, {Event.LEAD_ROUTED: Channels(bell=True, email=False)})
    people = [mql(email=f"lead{n}@northwind.example", first_name=f"Lead{n}", last_name="Lee")
              for n in range(4)]  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        handoffs = route_batch(people, terms)
    send_alerts.call()

    assert DBTaskResult.objects.count() == 1
    mine = sorted(h.person.first_name for h in handoffs.values() if h.assigned_to == rep)
    assert sorted(m.subject for m in mail.outbox) == [f"New lead for you: {n} Lee" for n in mine]
    assert {tuple(m.to) for m in mail.outbox} == {(rep.email,)}
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(
        h.assigned_to.pk for h in handoffs.values()
    )
    assert sorted(receiver.json(n)["data"]["handoff_id"] for n in range(4)) == sorted(
        h.pk for h in handoffs.values()
    )
    assert len(set(receiver.ids())) == 4
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}
