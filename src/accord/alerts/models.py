"""Alerts: what happened (an outbox row written in the same transaction as the change), each
delivery of it by e-mail or webhook, and every attempt at a delivery.

The worker drains due deliveries. A delivery is claimed for a lease before it is sent, so two
workers never send it at once; a worker killed mid-send leaves the claim to expire and the next
worker sends it again under the same webhook-id (at least once, with an idempotency key).
"""

import secrets
import uuid
from base64 import b64encode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Event(models.TextChoices):
    LEAD_ROUTED = "lead.routed", "A new lead is routed to a rep"
    SLA_BREACHED = "sla.breached", "A rep missed an SLA clock"
    LEAD_REJECTED = "lead.rejected", "A rep rejected a lead back to marketing"
    CAMPAIGN_ANNOUNCED = "campaign.announced", "Both heads signed a campaign's plan for sales"
    # By default in the bell only: something waits on the person, who sees it when in Accord.
    AGREEMENT_TO_SIGN = "agreement.to_sign", "An agreement draft awaits a head's signature"
    PLAN_TO_SIGN = "plan.to_sign", "A campaign plan awaits a head's signature"
    SLA_DUE_SOON = "sla.due_soon", "An SLA clock runs out within two working hours"


def new_secret() -> str:
    """A Standard Webhooks secret: 'whsec_' and 24 random bytes in base64."""
    return "whsec_" + b64encode(secrets.token_bytes(24)).decode()


def check_secret(value: str) -> None:
    from standardwebhooks.webhooks import Webhook

    try:
        Webhook(value)
    except Exception:
        raise ValidationError("A secret is 'whsec_' followed by base64, as new ones are") from None


def check_events(value: str) -> None:
    unknown = set(split_events(value)) - set(Event.values)
    if unknown or not split_events(value):
        raise ValidationError(f"Name one or more events of: {', '.join(Event.values)}")


def split_events(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


class Endpoint(models.Model):
    """An HTTPS address that receives the events it subscribes to, signed with its secret."""

    class Format(models.TextChoices):
        STANDARD = "standard", "Standard Webhooks JSON"
        SLACK = "slack", "Slack-compatible (text and blocks)"

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    secret = models.CharField(
        max_length=100,
        default=new_secret,
        validators=[check_secret],
        help_text="Receivers verify the webhook-signature header with it",
    )
    events = models.CharField(
        max_length=200,
        default=",".join(Event.values),
        validators=[check_events],
        help_text=f"Comma-separated: {', '.join(Event.values)}",
    )
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.STANDARD)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name} ({self.url})"

    def wants(self, event: str) -> bool:
        return self.is_active and event in split_events(self.events)


class Alert(models.Model):
    """One thing that happened, written in the transaction that made it happen."""

    message_id = models.CharField(
        max_length=40,
        unique=True,
        editable=False,
        help_text="The webhook-id: the same on every retry, so a receiver can drop repeats",
    )
    event = models.CharField(max_length=32, choices=Event.choices)
    subject = models.CharField(max_length=200)
    text = models.TextField()
    data = models.JSONField(default=dict, help_text="The event's fields sent in webhooks")
    link = models.CharField(
        max_length=300, blank=True, default="", help_text="The record's page in Accord"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        if not self.message_id:
            self.message_id = f"msg_{uuid.uuid4().hex}"
        super().save(*args, **kwargs)


class Delivery(models.Model):
    """An alert on its way to one person's inbox or one webhook endpoint."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        WEBHOOK = "webhook", "Webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    email = models.EmailField(blank=True, default="")
    endpoint = models.ForeignKey(
        Endpoint, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="email", endpoint__isnull=True) & ~Q(email="")
                | Q(channel="webhook", endpoint__isnull=False),
                name="delivery_has_one_target",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="pending"), name="delivery_due"
            )
        ]

    def __str__(self):
        return f"{self.alert} → {self.target}"

    @property
    def target(self) -> str:
        if self.channel == self.Channel.EMAIL:
            return self.email
        assert self.endpoint is not None  # a webhook's always names one (delivery_has_one_target)
        return self.endpoint.url


class Attempt(models.Model):
    """One try at a delivery: when, how long, and what came back."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    succeeded = models.BooleanField()
    response_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self):
        outcome = "delivered" if self.succeeded else (self.error or "failed")
        return f"{self.started_at:%Y-%m-%d %H:%M:%S} {outcome}"


class Notification(models.Model):
    """An alert in one person's bell, written with the alert: unread until they open it."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient"], name="one_notification_each")
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            )
        ]

    def __str__(self):
        return f"{self.alert} → {self.recipient}"


class NotificationPreference(models.Model):
    """How one person chose to hear of one kind of event; without a row, the event's default
    (`alerts.preferences`)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=32, choices=Event.choices)
    bell = models.BooleanField()
    email = models.BooleanField()

    class Meta:
        ordering = ["person", "event"]
        constraints = [
            models.UniqueConstraint(fields=["person", "event"], name="one_preference_per_event")
        ]

    def __str__(self):
        ways = [w for w, on in (("bell", self.bell), ("e-mail", self.email)) if on]
        return f"{self.person} · {self.event}: {' and '.join(ways) or 'nothing'}"
