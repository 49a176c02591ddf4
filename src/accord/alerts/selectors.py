"""Reads about alerts: deliveries, for the admin's figures and /metrics; the bell, each person's
notifications newest first and how many they have not read; how each person hears of each kind
of event."""

from django.db.models import Count, QuerySet

from accord.alerts.models import Delivery, Notification, NotificationPreference
from accord.alerts.preferences import IN_MY_WORDS, Channels, default_channels
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


def channels_for(event: str, people: list[User]) -> dict[int, Channels]:
    """How each of `people` hears of `event`: as they chose, else the event's default."""
    chosen = NotificationPreference.objects.filter(
        event=event, person_id__in=[p.pk for p in people]
    ).values_list("person_id", "bell", "email")
    channels = {pk: Channels(bell=bell, email=email) for pk, bell, email in chosen}
    return {p.pk: channels.get(p.pk) or default_channels(event, p) for p in people}


def channels_of(person: User) -> dict[str, Channels]:
    """How `person` hears of each kind of event, in the order the settings page lists them."""
    chosen = {
        event: Channels(bell=bell, email=email)
        for event, bell, email in NotificationPreference.objects.filter(person=person).values_list(
            "event", "bell", "email"
        )
    }
    return {event: chosen.get(event) or default_channels(event, person) for event in IN_MY_WORDS}
