from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import Truncator

from accord.touchpoints.classification import explain_channel
from accord.touchpoints.models import Campaign, Channel, ChannelRule, Touchpoint
from accord.touchpoints.services import (
    check_campaign_change,
    do_delete_channel_rules,
    do_save_channel_rule,
)


class CampaignForm(forms.ModelForm):
    def clean(self):
        """The admin is held to the rule the pages and the API keep: no campaign goes live on
        sales unannounced."""
        cleaned = super().clean()
        changes = {k: cleaned.get(k) for k in ("status", "start_date") if k in cleaned}
        check_campaign_change(self.instance, changes)
        return cleaned


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
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


class TryTouchForm(forms.Form):
    utm_source = forms.CharField(
        label="UTM source", required=False, max_length=255, help_text="e.g. google, linkedin"
    )
    utm_medium = forms.CharField(
        label="UTM medium", required=False, max_length=255, help_text="e.g. cpc, email, social"
    )
    utm_campaign = forms.CharField(label="UTM campaign", required=False, max_length=255)
    referrer = forms.CharField(
        label="Referrer",
        required=False,
        max_length=2048,
        help_text="The page the visitor came from, when the touch has no UTM tags",
    )


@admin.register(ChannelRule)
class ChannelRuleAdmin(admin.ModelAdmin):
    """The ordered channel rules. Positions are 100 apart in the defaults: add a rule at, say,
    450 to try it between the rules at 400 and 500. Changes apply to the next touch classified."""

    list_display = [
        "position",
        "channel",
        "source_pattern_short",
        "medium_pattern",
        "campaign_pattern",
        "any_of_source_medium",
        "is_active",
        "note",
    ]
    list_display_links = ["channel"]
    list_editable = ["position", "is_active"]
    list_filter = ["channel", "is_active"]
    search_fields = [
        "note",
        "source_pattern",
        "medium_pattern",
        "campaign_pattern",
        "any_of_source_medium",
    ]
    ordering = ["position", "id"]
    readonly_fields = ["created_by"]
    fieldsets = [
        (None, {"fields": ["position", "channel", "is_active", "note"]}),
        (
            "Patterns (all non-empty patterns must match)",
            {
                "fields": [
                    "source_pattern",
                    "medium_pattern",
                    "campaign_pattern",
                    "any_of_source_medium",
                ]
            },
        ),
        (None, {"fields": ["created_by"]}),
    ]

    @admin.display(description="Source pattern", ordering="source_pattern")
    def source_pattern_short(self, rule):
        return Truncator(rule.source_pattern).chars(60)

    def get_urls(self):
        try_rules = path(
            "try/",
            self.admin_site.admin_view(self.try_view),
            name="touchpoints_channelrule_try",
        )
        return [try_rules, *super().get_urls()]

    def try_view(self, request):
        """Which channel a touch gets, from what source and medium, by which rule."""
        form = TryTouchForm(request.GET or None)
        explanation = None
        if form.is_valid() and any(form.cleaned_data.values()):
            explanation = explain_channel(**form.cleaned_data)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Try a touch against the channel rules",
            "form": form,
            "explanation": explanation,
            "channel_label": dict(Channel.choices).get(explanation.channel) if explanation else "",
        }
        return TemplateResponse(request, "admin/touchpoints/channelrule/try.html", context)

    def save_model(self, request, obj, form, change):
        do_save_channel_rule(obj, by=request.user)

    def delete_model(self, request, obj):
        do_delete_channel_rules([obj])

    def delete_queryset(self, request, queryset):
        do_delete_channel_rules(queryset)
