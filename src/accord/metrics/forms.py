"""The filters of the dashboard and of the feedback page, read from GET parameters."""

import datetime as dt

from django import forms
from django.utils import timezone

from accord.attribution import PATH_MODELS, AttributionModel
from accord.attribution.command import JourneyKind
from accord.metrics.queries import MAX_PERIOD_DAYS

TEAMS = [("", "Both teams"), ("marketing", "Marketing"), ("sales", "Sales")]


def _dashboard_start() -> dt.date:
    """The first of the month eleven months back: a year to date, month by month."""
    today = timezone.now().date()
    return (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)


def _feedback_start() -> dt.date:
    """The first of the month five months back: the last six months."""
    today = timezone.now().date()
    return (today.replace(day=1) - dt.timedelta(days=31 * 5)).replace(day=1)


class PeriodFilters(forms.Form):
    """A period (from `default_start` to today unless given) and a segment, with a page's own
    choices beside them, each defaulted as `choice_defaults` says."""

    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.CharField(required=False, max_length=100, help_text="As on accounts: EMEA")
    industry = forms.CharField(required=False, max_length=100, help_text="e.g. Software")

    max_days: int | None = None
    choice_defaults: dict[str, str] = {}

    @staticmethod
    def default_start() -> dt.date:
        raise NotImplementedError

    @classmethod
    def with_defaults(cls, params):
        """The GET parameters with the defaults filled in, so the form shows what the page
        counts."""
        data = params.copy()
        defaults = {
            "start": cls.default_start().isoformat(),
            "end": timezone.now().date().isoformat(),
            **cls.choice_defaults,
        }
        for name, value in defaults.items():
            if not data.get(name):
                data[name] = value
        return data

    def clean(self):
        data = super().clean()
        data["start"] = data.get("start") or self.default_start()
        data["end"] = data.get("end") or timezone.now().date()
        for name, value in self.choice_defaults.items():
            data[name] = data.get(name) or value
        if data["end"] < data["start"]:
            self.add_error("end", "The period ends before it starts.")
        elif self.max_days is not None and (data["end"] - data["start"]).days > self.max_days:
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


class DashboardFilters(PeriodFilters):
    team = forms.ChoiceField(required=False, choices=TEAMS)
    journey = forms.ChoiceField(
        required=False,
        choices=[(kind, f"by {kind}") for kind in JourneyKind],
        label="Attribution journeys",
    )
    model = forms.ChoiceField(
        required=False, choices=[(m, m.replace("_", " ")) for m in PATH_MODELS], label="ROI model"
    )

    default_start = staticmethod(_dashboard_start)
    choice_defaults = {"model": AttributionModel.LINEAR, "journey": JourneyKind.PERSON}


class FeedbackFilters(PeriodFilters):
    """The feedback page's period (the last six months to today unless given), its segment and
    whether the SLA is counted by month or by week."""

    grain = forms.ChoiceField(
        required=False, label="SLA by", choices=[("month", "Month"), ("week", "Week")]
    )

    default_start = staticmethod(_feedback_start)
    max_days = MAX_PERIOD_DAYS
    choice_defaults = {"grain": "month"}
