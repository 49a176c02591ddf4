"""The dashboard's filters, read from GET parameters."""

import datetime as dt

from django import forms
from django.utils import timezone

from accord.attribution import PATH_MODELS, AttributionModel
from accord.attribution.command import JourneyKind

TEAMS = [("", "Both teams"), ("marketing", "Marketing"), ("sales", "Sales")]


def _default_start() -> dt.date:
    today = timezone.now().date()
    return (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)


class DashboardFilters(forms.Form):
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.CharField(required=False, max_length=100, help_text="As on accounts: EMEA")
    industry = forms.CharField(required=False, max_length=100, help_text="e.g. Software")
    team = forms.ChoiceField(required=False, choices=TEAMS)
    journey = forms.ChoiceField(
        required=False,
        choices=[(kind, f"by {kind}") for kind in JourneyKind],
        label="Attribution journeys",
    )
    model = forms.ChoiceField(
        required=False, choices=[(m, m.replace("_", " ")) for m in PATH_MODELS], label="ROI model"
    )

    @staticmethod
    def with_defaults(params):
        """The GET parameters with the default period and model filled in, so the form shows
        what the page counts."""
        data = params.copy()
        for name, value in [
            ("start", _default_start().isoformat()),
            ("end", timezone.now().date().isoformat()),
            ("model", AttributionModel.LINEAR),
            ("journey", JourneyKind.PERSON),
        ]:
            if not data.get(name):
                data[name] = value
        return data

    def clean(self):
        data = super().clean()
        data["start"] = data.get("start") or _default_start()
        data["end"] = data.get("end") or timezone.now().date()
        data["model"] = data.get("model") or AttributionModel.LINEAR
        data["journey"] = data.get("journey") or JourneyKind.PERSON
        if data["end"] < data["start"]:
            self.add_error("end", "The period ends before it starts.")
        return data

    def period(self) -> dict:
        """The period and segment every query of the dashboard takes."""
        data = self.cleaned_data
        return {
            "start": data["start"],
            "end": data["end"],
            "region": data["region"] or None,
            "industry": data["industry"] or None,
        }
