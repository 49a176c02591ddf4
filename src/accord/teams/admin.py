from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accord.teams.models import ApiToken, Holiday, Team, User
from accord.teams.tokens import do_revoke_token


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "time_zone",
        "workday_start",
        "workday_end",
        "working_days",
        "holiday_country",
    ]
    inlines = [HolidayInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "team", "role", "is_liaison", "is_active"]
    list_filter = ["team", "role", "is_liaison", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        ("Team", {"fields": ["team", "role", "is_liaison"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "full_name", "team", "role", "password1", "password2"]})
    ]
    filter_horizontal = ["groups"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "scope", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            do_revoke_token(token)
        self.message_user(request, f"{len(queryset)} revoked; they are refused from now on.")
