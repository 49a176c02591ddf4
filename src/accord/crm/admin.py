from django import forms
from django.contrib import admin
from django.db import transaction

from accord.crm.models import (
    Account,
    ExchangeRate,
    LifecycleChange,
    Opportunity,
    Person,
    SourceRecord,
)
from accord.crm.services import InvalidChange, check_move_by_hand, do_change_lifecycle_stage


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "industry", "employee_count", "region", "owner"]
    list_filter = ["industry", "region"]
    search_fields = ["name", "domain"]
    raw_id_fields = ["owner"]
    list_select_related = ["owner"]


class LifecycleChangeInline(admin.TabularInline):
    model = LifecycleChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_stage", "to_stage", "changed_at", "changed_by", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


class PersonForm(forms.ModelForm):
    """A person as the admin edits them: a new stage follows the funnel's rules, as in the API."""

    class Meta:
        model = Person
        fields = ["lifecycle_stage"]  # the admin adds the other fields it shows

    def clean(self):
        cleaned = super().clean()
        stage, was = cleaned.get("lifecycle_stage"), self.initial.get("lifecycle_stage", "")
        if self.instance.pk and stage and stage != was:
            try:
                check_move_by_hand(self.instance, was, stage)
            except InvalidChange as refused:
                self.add_error("lifecycle_stage", refused.message)
        return cleaned


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "first_name",
        "last_name",
        "title",
        "account",
        "lifecycle_stage",
        "owner",
    ]
    list_filter = ["lifecycle_stage", "seniority", "is_decision_maker"]
    search_fields = ["email", "first_name", "last_name"]
    raw_id_fields = ["account", "owner"]
    list_select_related = ["account", "owner"]
    form = PersonForm
    inlines = [LifecycleChangeInline]

    def get_readonly_fields(self, request, obj=None):
        # A new person starts where the model says; their stage then moves by the rules
        return ["recycled_until"] if obj else ["lifecycle_stage", "recycled_until"]

    def save_model(self, request, obj, form, change):
        """A new stage is a move of the lifecycle, kept in its history and the audit trail."""
        if not (change and "lifecycle_stage" in form.changed_data):
            return super().save_model(request, obj, form, change)
        stage, obj.lifecycle_stage = obj.lifecycle_stage, form.initial["lifecycle_stage"]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            do_change_lifecycle_stage(obj, stage, by=request.user, reason="changed in the admin")


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "amount", "currency", "stage", "close_date", "owner"]
    list_filter = ["stage"]
    search_fields = ["name"]
    raw_id_fields = ["account", "primary_contact", "owner"]
    list_select_related = ["account", "owner"]


@admin.register(LifecycleChange)
class LifecycleChangeAdmin(admin.ModelAdmin):
    list_display = ["person", "from_stage", "to_stage", "changed_at", "changed_by", "reason"]
    list_filter = ["to_stage"]
    raw_id_fields = ["person", "changed_by"]

    # The history is written by the moves themselves; one added here would record a move that
    # never happened
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin):
    list_display = ["system", "object_type", "external_id", "object_id"]
    list_filter = ["system", "object_type"]
    search_fields = ["external_id"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Rates per day, entered by hand (or imported with `accord rates import FILE.csv`)."""

    list_display = ["day", "currency", "quote_currency", "rate"]
    list_filter = ["currency", "quote_currency"]
    date_hierarchy = "day"
