"""A lead's name is whatever a public form was sent: it never breaks an e-mail header, never
pings a Slack channel or hides a link, and one delivery that cannot be sent fails alone."""

import io

from django.core import mail
from django.core.management import call_command
from standardwebhooks.webhooks import Webhook

from accord.alerts.models import Alert, Delivery, Endpoint
from accord.alerts.services import do_send_due
from accord.handoff.routing import do_route
from accord.handoff.tests.helpers import mql


def test_a_line_break_in_a_name_makes_no_header_and_the_rep_is_still_told(round_robin, rep, terms):
    do_route(mql(first_name="Ann\r\nBcc: everyone@corp.example", last_name="Lee"), terms)

    assert do_send_due() == 1

    [message] = mail.outbox
    assert message.subject == "New lead for you: Ann Bcc: everyone@corp.example Lee"
    assert message.to == [rep.email] and message.bcc == []
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_a_slack_endpoint_gets_a_name_as_text_never_as_a_mention_or_a_link(
    receiver, round_robin, terms
):
    slack = Endpoint.objects.create(name="#sales", url=receiver.url, format=Endpoint.Format.SLACK)
    do_route(
        mql(first_name="<!channel> & <https://evil.example|Your invoice>", last_name=""), terms
    )

    do_send_due()

    [request] = receiver.received
    body = Webhook(slack.secret).verify(request["body"], request["headers"])
    shown = "&lt;!channel&gt; &amp; &lt;https://evil.example|Your invoice&gt;"
    assert body["text"] == f"New lead for you: {shown}"
    assert shown in body["blocks"][0]["text"]["text"]
    assert "<" not in body["text"] + body["blocks"][0]["text"]["text"]


def test_a_delivery_that_cannot_be_sent_fails_alone_and_is_listed_as_failed(
    round_robin, rep, terms, monkeypatch
):
    """An outbox row no mail server would take (an address with a line break) is recorded on
    its delivery, retried with backoff and finally listed as failed; the others go out."""
    monkeypatch.setenv("ACCORD_ALERT_MAX_ATTEMPTS", "2")
    do_route(mql(email="ann@northwind.example"), terms)
    broken = Delivery.objects.create(
        alert=Alert.objects.get(),
        channel=Delivery.Channel.EMAIL,
        email="rep@demo.accord\nBcc: everyone@corp.example",
        next_attempt_at=Delivery.objects.get().next_attempt_at,
    )

    assert do_send_due() == 2

    broken.refresh_from_db()
    assert (broken.status, broken.attempts) == (Delivery.Status.PENDING, 1)
    assert "newlines" in broken.last_error
    assert broken.next_attempt_at > broken.attempt_log.get().started_at
    assert [m.to for m in mail.outbox] == [[rep.email]]
    Delivery.objects.filter(pk=broken.pk).update(
        next_attempt_at=broken.attempt_log.get().started_at
    )
    assert do_send_due() == 1
    out = io.StringIO()
    call_command("alerts", "list", "--failed", stdout=out)
    assert out.getvalue().split()[:2] == [str(broken.pk), "failed"]
    assert "newlines" in out.getvalue()
