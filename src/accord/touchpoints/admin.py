from django.contrib import admin

from accord.touchpoints.models import Campaign, ChannelRule, Touchpoint


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "channel",
        "kind",
        "start_date",
        "end_date",
        "cost",
        "owner_team",
        "status",
    ]
    list_filter = ["channel", "kind", "status"]
    search_fields = ["name", "utm_campaign"]


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "kind",
        "channel",
        "campaign",
        "utm_source",
        "utm_medium",
        "occurred_at",
    ]
    list_filter = ["channel", "kind"]
    raw_id_fields = ["person", "campaign"]
    list_select_related = ["person", "campaign"]


@admin.register(ChannelRule)
class ChannelRuleAdmin(admin.ModelAdmin):
    list_display = [
        "position",
        "channel",
        "source_pattern",
        "medium_pattern",
        "campaign_pattern",
        "any_of_source_medium",
        "is_active",
    ]
    list_editable = ["is_active"]
    ordering = ["position"]
