"""Outbound webhooks signed per the Standard Webhooks spec (webhook-id, webhook-timestamp,
webhook-signature), with its reference library; Slack-compatible bodies for Slack endpoints."""

import datetime as dt
import json
import urllib.error
import urllib.request

from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from accord.alerts.models import Alert, Endpoint


class WebhookFailed(Exception):
    """The receiver did not take the webhook; `code` is its HTTP status when it answered."""

    def __init__(self, message: str, code: int | None = None):
        self.code = code
        super().__init__(message)


def slack_text(value: str) -> str:
    """Text shown as written: Slack reads `<...>` as a mention (`<!channel>`) or a link
    (`<https://...|text>`) and `&` as the start of an escape, so those three are escaped."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def body_for(alert: Alert, endpoint: Endpoint) -> str:
    if endpoint.format == Endpoint.Format.SLACK:
        text = slack_text(alert.text)
        return json.dumps(
            {
                "text": slack_text(alert.subject),
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
            }
        )
    return json.dumps(
        {
            "type": alert.event,
            "timestamp": alert.created_at.isoformat(),
            "data": {**alert.data, "subject": alert.subject},
        }
    )


def signed_headers(endpoint: Endpoint, message_id: str, body: str) -> dict[str, str]:
    now = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    return {
        "content-type": "application/json",
        "user-agent": "Accord-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(message_id, now, body),
    }


def post_webhook(alert: Alert, endpoint: Endpoint, timeout: float) -> int:
    """POST the signed alert; the status code when 2xx, else WebhookFailed."""
    body = body_for(alert, endpoint)
    request = urllib.request.Request(
        endpoint.url,
        data=body.encode(),
        headers=signed_headers(endpoint, alert.message_id, body),
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        raise WebhookFailed(f"HTTP {exc.code} {exc.reason}", exc.code) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookFailed(f"no answer: {reason}") from None
