"""The answer form: three advantages in the person's own words."""

from django import forms

from accord.mindset.models import ADVANTAGE_LENGTH
from accord.mindset.services import FIELD_NAMES, FIELDS


class AnswerForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in FIELDS:
            name = FIELD_NAMES[field]
            self.fields[field] = forms.CharField(
                label=name.capitalize(),
                error_messages={"required": f"The {name} is missing"},
                widget=forms.TextInput(attrs={"maxlength": ADVANTAGE_LENGTH}),
            )

    def add_refusal(self, errors: list[tuple[str, str]]) -> None:
        """The service's reasons, each beside its field (or above the form)."""
        for field, message in errors:
            self.add_error(field if field in self.fields else None, message)
