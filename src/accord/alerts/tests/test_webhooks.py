"""Webhooks: signed per Standard Webhooks, verified with the spec's reference library by a real
receiver on loopback; Slack-compatible bodies; only the events an endpoint asks for."""

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from accord.alerts.models import Alert, Endpoint
from accord.alerts.services import do_send_due
from accord.handoff.routing import do_route
from accord.handoff.tests.helpers import mql


def test_a_routed_lead_reaches_the_endpoint_signed_and_verifiable(
    receiver, endpoint, round_robin, rep, terms
):
    handoff = do_route(mql(email="ann@northwind.example", first_name="Ann"), terms)

    assert do_send_due() == 2  # the rep's e-mail and the webhook

    [request] = receiver.received
    payload = Webhook(endpoint.secret).verify(request["body"], request["headers"])
    assert payload["type"] == "lead.routed"
    assert payload["data"]["handoff_id"] == handoff.pk
    assert payload["data"]["person_email"] == "ann@northwind.example"
    assert payload["data"]["rep_email"] == rep.email
    assert request["headers"]["webhook-id"] == Alert.objects.get().message_id


def test_a_receiver_with_another_secret_refuses_the_webhook(receiver, endpoint, round_robin, terms):
    do_route(mql(), terms)
    do_send_due()

    [request] = receiver.received
    with pytest.raises(WebhookVerificationError):
        Webhook(Endpoint().secret).verify(request["body"], request["headers"])


def test_a_slack_endpoint_gets_text_and_blocks(receiver, round_robin, terms):
    slack = Endpoint.objects.create(name="#sales", url=receiver.url, format=Endpoint.Format.SLACK)
    do_route(mql(first_name="Ann", last_name="Lee"), terms)
    do_send_due()

    body = Webhook(slack.secret).verify(
        receiver.received[0]["body"], receiver.received[0]["headers"]
    )
    assert body["text"] == "New lead for you: Ann Lee"
    assert body["blocks"][0]["text"]["type"] == "mrkdwn"
    assert "Ann Lee" in body["blocks"][0]["text"]["text"]


def test_an_endpoint_hears_only_the_events_it_subscribes_to(receiver, round_robin, terms):
    Endpoint.objects.create(name="Breaches", url=receiver.url, events="sla.breached")
    Endpoint.objects.create(name="Off", url=receiver.url, is_active=False)

    do_route(mql(), terms)
    do_send_due()

    assert receiver.received == []
