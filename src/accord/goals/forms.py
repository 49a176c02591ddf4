"""The forms of the goals page: a goal for a period, the reward plan's terms, a campaign idea."""

from typing import Any

from django import forms
from django.utils import timezone

from accord.attribution import PATH_MODELS, AttributionModel
from accord.crm.conversion import reporting_currency
from accord.goals.models import RevenueGoal, Rotation
from accord.goals.plan import RewardPlan
from accord.money import CENT, MoneyFormField
from accord.teams import access
from accord.touchpoints.models import Campaign

PERCENT: dict[str, Any] = {"max_digits": 6, "decimal_places": 2}


class GoalForm(forms.Form):
    period = forms.ChoiceField(choices=RevenueGoal.Period.choices)
    day = forms.DateField(
        label="A day in the period",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    amount = MoneyFormField(label="Revenue goal", min_value=CENT)
    currency = forms.CharField(max_length=3, initial=reporting_currency)


class PlanForm(forms.Form):
    """The plan's terms in percent, as people say them; `document()` is the stored form."""

    rate = forms.DecimalField(label="Pool rate (% of revenue above the threshold)", **PERCENT)
    threshold = forms.DecimalField(label="Threshold (% of the goal)", **PERCENT)
    sales = forms.DecimalField(label="Sales share of the pool (%)", **PERCENT)
    marketing = forms.DecimalField(label="Marketing share of the pool (%)", **PERCENT)
    accelerator_above = forms.DecimalField(
        label="Accelerator from (% of the goal)", required=False, **PERCENT
    )
    accelerator_multiplier = forms.DecimalField(
        label="Accelerator multiplier", required=False, max_digits=5, decimal_places=2
    )
    recognition = forms.DecimalField(label="Recognition of campaign ideas (% of pool)", **PERCENT)
    model = forms.ChoiceField(
        label="Attribution model for recognition",
        choices=[(m, m.replace("_", " ")) for m in PATH_MODELS],
        initial=AttributionModel.LINEAR,
    )

    FIELDS = {
        "rate": "rate",
        "threshold": "threshold",
        "split.sales": "sales",
        "split.marketing": "marketing",
        "split": "sales",
        "accelerators": "accelerator_above",
        "accelerators.0.above": "accelerator_above",
        "accelerators.0.multiplier": "accelerator_multiplier",
        "recognition.share": "recognition",
        "recognition": "recognition",
    }

    @staticmethod
    def initial_from(plan: RewardPlan | None) -> dict:
        if plan is None:
            return {}
        first = plan.accelerators[0] if plan.accelerators else None
        return {
            "rate": plan.rate * 100,
            "threshold": plan.threshold * 100,
            "sales": plan.split.sales,
            "marketing": plan.split.marketing,
            "accelerator_above": first.above * 100 if first else None,
            "accelerator_multiplier": first.multiplier if first else None,
            "recognition": plan.recognition.share,
            "model": plan.recognition.model,
        }

    def document(self) -> dict:
        data = self.cleaned_data
        accelerators = []
        if data["accelerator_above"] is not None or data["accelerator_multiplier"] is not None:
            accelerators.append(
                {
                    "above": _share(data["accelerator_above"]),
                    "multiplier": data["accelerator_multiplier"],
                }
            )
        return {
            "rate": _share(data["rate"]),
            "threshold": _share(data["threshold"]),
            "split": {"sales": data["sales"], "marketing": data["marketing"]},
            "accelerators": accelerators,
            "recognition": {"share": data["recognition"], "model": data["model"]},
        }

    def add_problems(self, problems: list[tuple[str, str]]) -> None:
        for field, reason in problems:
            self.add_error(self.FIELDS.get(field), reason)


def _share(percent):
    return None if percent is None else percent / 100


class IdeaForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.order_by("name"))
    person = forms.ModelChoiceField(
        label="Proposed by",
        queryset=access.people_taking_part().order_by("full_name"),
    )


class SignUpForm(forms.Form):
    kind = forms.ChoiceField(label="What", choices=Rotation.Kind.choices)
    starts_on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, max_length=255, label="What you hope to learn")


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label="Held on", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    title = forms.CharField(max_length=200, initial="Joint sales and marketing meeting")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActionItemForm(forms.Form):
    text = forms.CharField(max_length=255, label="Action")
    owner = forms.ModelChoiceField(queryset=access.people_taking_part().order_by("full_name"))
    due_on = forms.DateField(
        required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"})
    )
