"""Reads about alerts: deliveries, for the admin's figures and /metrics; the bell, each person's
notifications newest first and how many they have not read."""

from django.db.models import Count, QuerySet

from accord.alerts.models import Delivery, Notification
from accord.teams.models import User


def count_deliveries() -> dict[tuple[str, str], int]:
    """Deliveries kept, by (channel, status): pending, delivered, failed (given up)."""
    rows = Delivery.objects.values_list("channel", "status").annotate(n=Count("pk")).order_by()
    return {(channel, status): n for channel, status, n in rows}


def notifications_for(user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .select_related("alert")
        .only("read_at", "alert__event", "alert__subject", "alert__link", "alert__created_at")
    )


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
