"""What the import page asks: the file, and what its cells cannot say themselves."""

import zoneinfo

from django import forms

DATE_FORMATS = (
    ("", "Let each date column decide (a file whose dates all read both ways is refused)"),
    ("DMY", "Day first: 03/02/2023 is 3 February"),
    ("MDY", "Month first: 03/02/2023 is 2 March"),
    ("YMD", "Year first: 2023/02/03"),
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="CSV or XLSX, as your CRM exports it.",
        error_messages={"required": "Choose a file to check."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.xlsm,text/csv"}),
    )
    date_format = forms.ChoiceField(choices=DATE_FORMATS, required=False, label="Date format")
    time_zone = forms.CharField(
        initial="UTC",
        required=False,
        max_length=64,
        label="Time zone of times written without one",
        help_text="An IANA name, such as Europe/London or America/New_York.",
    )
    sheet = forms.CharField(
        required=False, max_length=100, label="Sheet of a workbook (the first if blank)"
    )

    def clean_time_zone(self) -> str:
        zone = self.cleaned_data["time_zone"].strip() or "UTC"
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(f"{zone!r} is not an IANA time zone.") from None
        return zone

    def options(self) -> dict:
        """The import's reading options, as ImportRun keeps them."""
        data = self.cleaned_data
        return {
            "date_format": data["date_format"] or None,
            "time_zone": data["time_zone"],
            "sheet": data["sheet"].strip() or None,
        }
