"""The joint plan's forms; what they send is checked again by the services."""

from django import forms

from accord.crm.models import FUNNEL_ORDER, LifecycleStage
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
