"""Experiments in the admin, read only: an assignment is drawn once, by the service."""

from django.contrib import admin

from accord.experiments.models import Assignment, Experiment
from accord.readonly_admin import ReadOnlyAdmin


@admin.register(Experiment)
class ExperimentAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "held_out_share", "seed", "minimum_effect", "started_at")
    list_select_related = ("campaign",)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("experiment", "person", "stratum", "held_out")
    list_filter = ("held_out",)
    list_select_related = ("experiment__campaign", "person")
    raw_id_fields = ("person",)
