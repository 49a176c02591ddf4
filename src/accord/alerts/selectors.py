"""Reads about alert deliveries shared by the admin's figures and /metrics."""

from django.db.models import Count

from accord.alerts.models import Delivery


def count_deliveries() -> dict[tuple[str, str], int]:
    """Deliveries kept, by (channel, status): pending, delivered, failed (given up)."""
    rows = Delivery.objects.values_list("channel", "status").annotate(n=Count("pk")).order_by()
    return {(channel, status): n for channel, status, n in rows}
