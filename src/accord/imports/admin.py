"""The mappings from a CRM's values to Accord's, editable by admins (through the service, so each
change is checked and audited)."""

from django import forms
from django.contrib import admin

from accord.imports.mappings import MappingRefused, check_accord_value, do_set_mapping
from accord.imports.models import ValueMapping


class ValueMappingForm(forms.ModelForm):
    class Meta:
        model = ValueMapping
        fields = ["kind", "source_value", "accord_value"]

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("accord_value"):
            try:
                check_accord_value(data["kind"], data["accord_value"])
            except MappingRefused as refused:
                self.add_error("accord_value", str(refused))
        return data


@admin.register(ValueMapping)
class ValueMappingAdmin(admin.ModelAdmin):
    form = ValueMappingForm
    list_display = ["kind", "source_value", "accord_value"]
    list_filter = ["kind"]
    search_fields = ["source_value", "accord_value"]

    def save_model(self, request, obj, form, change):
        saved = do_set_mapping(obj.kind, obj.source_value, obj.accord_value, by=request.user)
        obj.pk = saved.pk
