from django.contrib import admin

from accord.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the history is searched here, never edited."""

    list_display = [
        "at",
        "actor",
        "action",
        "record_type",
        "record_id",
        "field",
        "old_value",
        "new_value",
        "reason",
    ]
    list_filter = ["action", "record_type", "field", ("at", admin.DateFieldListFilter)]
    search_fields = ["record_id", "actor__email", "reason", "request_id"]
    list_select_related = ["actor"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
