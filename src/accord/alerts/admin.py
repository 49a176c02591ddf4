"""Webhook endpoints are configured here; alerts and their deliveries are read and replayed."""

from django.contrib import admin, messages

from accord.alerts.models import Alert, Attempt, Delivery, Endpoint
from accord.alerts.services import do_replay


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "events", "format", "is_active"]
    list_filter = ["format", "is_active"]
    search_fields = ["name", "url"]


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    readonly_fields = ["started_at", "duration_ms", "succeeded", "response_code", "error"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description="Send again (same webhook-id)")
def replay(modeladmin, request, queryset):
    queued = do_replay(list(queryset))
    modeladmin.message_user(request, f"{queued} deliveries queued again", messages.SUCCESS)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "alert", "channel", "target", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "channel", "alert__event"]
    search_fields = ["email", "alert__message_id", "alert__subject", "endpoint__url"]
    list_select_related = ["alert", "endpoint"]
    readonly_fields = [
        "alert",
        "channel",
        "recipient",
        "email",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "delivered_at",
        "last_error",
    ]
    inlines = [AttemptInline]
    actions = [replay]

    def has_add_permission(self, request):
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = readonly_fields = ("channel", "email", "endpoint", "status", "attempts", "last_error")

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description="Send every delivery of these alerts again")
def replay_alerts(modeladmin, request, queryset):
    queued = do_replay(list(Delivery.objects.filter(alert__in=queryset)))
    modeladmin.message_user(request, f"{queued} deliveries queued again", messages.SUCCESS)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "subject", "message_id"]
    list_filter = ["event"]
    search_fields = ["subject", "message_id"]
    readonly_fields = ["message_id", "event", "subject", "text", "data", "created_at"]
    inlines = [DeliveryInline]
    actions = [replay_alerts]

    def has_add_permission(self, request):
        return False
