"""The assessment in the Django admin: rounds, who took part and the history, never an answer.

Admins are held to the same rule as heads: nobody reads another person's ratings or total. The
results page shows them in aggregate only.
"""

from django.contrib import admin

from accord.alignment.models import AssessmentEvent, AssessmentResponse, AssessmentRound, Rating
from accord.readonly_admin import ReadOnlyAdmin


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ReadOnlyAdmin):
    list_display = ("number", "status", "questionnaire_version", "opened_at", "closed_at")


@admin.register(AssessmentEvent)
class AssessmentEventAdmin(ReadOnlyAdmin):
    list_display = ("round", "kind", "actor", "at")
    list_filter = ("kind",)


@admin.register(AssessmentResponse)
class AssessmentResponseAdmin(ReadOnlyAdmin):
    """Who took part in which round, without what they answered."""

    list_display = ("round", "respondent", "team_kind", "answered_at")
    fields = list_display


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    """Individual ratings are never listed; the results page shows them in aggregate."""

    list_display = ("statement",)

    def get_queryset(self, request):
        return super().get_queryset(request).none()
