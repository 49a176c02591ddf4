from django import forms


class ConnectForm(forms.Form):
    token = forms.CharField(
        label="Token",
        help_text="The private app's access token (HubSpot: Settings → Integrations → Private "
        "apps). Kept encrypted; only its last four characters are shown again.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        max_length=2000,
    )
    base_url = forms.URLField(
        label="API address",
        assume_scheme="https",
        required=False,
        help_text="Leave blank for the vendor's own (https://api.hubapi.com); a sandbox or "
        "test server otherwise.",
        max_length=200,
    )
