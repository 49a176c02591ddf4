"""The audit search's filters, read from GET parameters."""

from django import forms

from accord.audit.models import AuditEntry
from accord.audit.selectors import AuditFilter


class AuditSearch(forms.Form):
    record_type = forms.CharField(required=False, max_length=32, label="Record type")
    record_id = forms.CharField(required=False, max_length=64, label="Record id")
    actor = forms.CharField(
        required=False, max_length=254, label="Who", help_text="an e-mail, or “system”"
    )
    field = forms.CharField(required=False, max_length=64)
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditEntry.Action.choices]
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> AuditFilter:
        """What to search for; an unbound or invalid form (its errors shown) searches everything."""
        if not self.is_valid():
            return AuditFilter()
        return AuditFilter(**{k: v for k, v in self.cleaned_data.items() if v not in ("", None)})
