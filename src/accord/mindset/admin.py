"""Shared-mindset answers in the Django admin: their words and team, never who wrote them (the
answers hold no user, see `models.author_key`), and nothing to change: answers are the people's."""

from django.contrib import admin

from accord.mindset.models import Answer


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("round", "team_kind", "first", "second", "third")
    fields = list_display
    list_filter = ("round", "team_kind")
    search_fields = ("first", "second", "third")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
