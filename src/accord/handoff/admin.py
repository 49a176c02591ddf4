from django.contrib import admin

from accord.handoff.models import Handoff, RoutingMember, RoutingRule


class RoutingMemberInline(admin.TabularInline):
    model = RoutingMember
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["assigned_count"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["position", "label", "kind", "team", "is_active"]
    list_display_links = ["label"]
    list_editable = ["position", "is_active"]
    list_filter = ["kind", "team", "is_active"]
    inlines = [RoutingMemberInline]


@admin.register(Handoff)
class HandoffAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "assigned_to",
        "status",
        "reason",
        "handed_off_at",
        "first_touch_due_at",
        "decision_due_at",
        "first_touch_breached_at",
        "decision_breached_at",
    ]
    list_filter = ["status", "team", "reject_reason"]
    search_fields = ["person__email", "assigned_to__email", "reason"]
    raw_id_fields = ["person", "assigned_to", "rule", "previous"]
    list_select_related = ["person", "assigned_to"]
    date_hierarchy = "handed_off_at"

    # Handoffs change only through the inbox actions, which lock, check and write history.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
