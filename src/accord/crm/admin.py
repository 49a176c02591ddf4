from django.contrib import admin

from accord.crm.models import Account, LifecycleChange, Opportunity, Person, SourceRecord


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
    readonly_fields = ["lifecycle_stage"]
    inlines = [LifecycleChangeInline]


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

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin):
    list_display = ["system", "object_type", "external_id", "object_id"]
    list_filter = ["system", "object_type"]
    search_fields = ["external_id"]
