"""The filters of the dashboard and of the feedback page, read from GET parameters."""

import datetime as dt

from django import forms
from django.utils import timezone

from accord.attribution import PATH_MODELS, AttributionModel
from accord.attribution.command import JourneyKind
from accord.metrics.queries import MAX_PERIOD_DAYS

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


def _feedback_default_start() -> dt.date:
    today = timezone.now().date()
    return (today.replace(day=1) - dt.timedelta(days=31 * 5)).replace(day=1)


class FeedbackFilters(forms.Form):
    """The feedback page's period (the last six months to today unless given), its segment and
    whether the SLA is counted by month or by week."""

    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.CharField(required=False, max_length=100, help_text="As on accounts: EMEA")
    industry = forms.CharField(required=False, max_length=100, help_text="e.g. Software")
    grain = forms.ChoiceField(
        required=False, label="SLA by", choices=[("month", "Month"), ("week", "Week")]
    )

    @staticmethod
    def with_defaults(params):
        """The GET parameters with the default period and grain filled in, so the form shows
        what the page counts."""
        data = params.copy()
        for name, value in [
            ("start", _feedback_default_start().isoformat()),
            ("end", timezone.now().date().isoformat()),
            ("grain", "month"),
        ]:
            if not data.get(name):
                data[name] = value
        return data

    def clean(self):
        data = super().clean()
        data["start"] = data.get("start") or _feedback_default_start()
        data["end"] = data.get("end") or timezone.now().date()
        data["grain"] = data.get("grain") or "month"
        if data["end"] < data["start"]:
            self.add_error("end", "The period ends before it starts.")
        elif (data["end"] - data["start"]).days > MAX_PERIOD_DAYS:
            self.add_error("start", "A period is at most ten years long.")
        return data

    def period(self) -> dict:
        """The period and segment every query of the page takes."""
        data = self.cleaned_data
        return {
            "start": data["start"],
            "end": data["end"],
            "region": data["region"] or None,
            "industry": data["industry"] or None,
        }
