"""The joint plan's forms; what they send is checked again by the services."""

from decimal import Decimal

from django import forms

from accord.crm.models import FUNNEL_ORDER, LifecycleStage
from accord.experiments.services import HoldoutRequest
from accord.planning.models import BuyingStep, CampaignPlan, Metric, OwnerTeam


class StageForm(forms.Form):
    owner = forms.ChoiceField(label="Owner team", choices=OwnerTeam.choices)
    tactics = forms.CharField(
        label="Tactics (one a line)", widget=forms.Textarea(attrs={"rows": 5, "cols": 70})
    )
    metric = forms.ChoiceField(label="Measured by", choices=Metric.choices)
    lifecycle_stages = forms.MultipleChoiceField(
        label="Lifecycle stages",
        choices=[(stage, LifecycleStage(stage).label) for stage in FUNNEL_ORDER],
        widget=forms.CheckboxSelectMultiple,
    )


class NoticeForm(forms.Form):
    notice_days = forms.IntegerField(label="Notice period (days)", min_value=0, max_value=365)


class PlanForm(forms.ModelForm):
    class Meta:
        model = CampaignPlan
        fields = CampaignPlan.CONTENT_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 2, "cols": 70})
            for name in CampaignPlan.CONTENT_FIELDS
            if name != "buying_step"
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buying_step"].choices = [("", "—"), *BuyingStep.choices]


class RatingForm(forms.Form):
    useful = forms.TypedChoiceField(
        label="Was this campaign and its material useful to you?",
        choices=[("yes", "Useful"), ("no", "Not useful")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 70})
    )


class HoldoutForm(forms.Form):
    """A campaign's holdout, in percent as marketers say it; the service takes shares."""

    held_out_percent = forms.DecimalField(
        label="Hold out (% of the eligible people)",
        min_value=1,
        max_value=50,
        decimal_places=0,
        initial=10,
        help_text="Drawn at random within each industry and region; they are not sent the "
        "campaign, so their conversions show what it added",
    )
    minimum_effect_points = forms.DecimalField(
        label="Smallest lift worth finding (points of conversion rate)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=99,
        decimal_places=2,
        help_text="e.g. 2 for two points; the dashboard says the power the test had for it",
    )
    seed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text="Draws the same people again; a fresh one when left empty",
    )

    def holdout(self) -> HoldoutRequest:
        data = self.cleaned_data
        points = data["minimum_effect_points"]
        return HoldoutRequest(
            held_out_share=data["held_out_percent"] / 100,
            seed=data["seed"],
            minimum_effect=None if points is None else points / 100,
        )
