import re
import textwrap

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


class SalesforceConnectForm(ConnectForm):
    """Salesforce takes an access token with the instance URL, or a connected app: its consumer
    key with the secret (client credentials) or with a user name and the app's private key (JWT
    bearer)."""

    token = forms.CharField(
        label="Access token, consumer secret or private key",
        help_text="An access token; or, for a connected app, its consumer secret (client "
        "credentials) or the private key in PEM (JWT bearer). Kept encrypted; only its last four "
        "characters are shown again.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        max_length=10000,
    )
    base_url = forms.URLField(
        label="Salesforce address",
        assume_scheme="https",
        required=False,
        help_text="With an access token, the org's instance URL "
        "(https://yourorg.my.salesforce.com); with a connected app, its My Domain URL (client "
        "credentials) or https://login.salesforce.com, the default (JWT bearer).",
        max_length=200,
    )
    client_id = forms.CharField(
        label="Consumer key (connected app)",
        required=False,
        max_length=255,
        help_text="Blank with an access token.",
    )
    username = forms.CharField(
        label="Integration user name (JWT bearer)",
        required=False,
        max_length=255,
        help_text="Blank with an access token or the client-credentials flow.",
    )

    def clean_token(self):
        """A private key pasted into the one-line field lost its line breaks: they are put back
        (PEM wraps its base64 at 64 characters), so the key reads as it was exported."""
        value = self.cleaned_data["token"].strip()
        pem = re.fullmatch(
            r"(-----BEGIN [A-Z ]+-----)\s*(.+?)\s*(-----END [A-Z ]+-----)", value, re.S
        )
        if pem:
            body = "".join(pem[2].split())
            value = "\n".join([pem[1], *textwrap.wrap(body, 64), pem[3]]) + "\n"
        return value

    def clean(self):
        data = super().clean()
        if data.get("username") and not data.get("client_id"):
            self.add_error(
                "client_id", "The JWT bearer flow needs the connected app's consumer key"
            )
        if (
            data.get("client_id")
            and data.get("username")
            and "PRIVATE KEY" not in data.get("token", "PRIVATE KEY")
        ):
            self.add_error("token", "With a user name, paste the connected app's private key (PEM)")
        return data

    def options(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("client_id", "username")
            if self.cleaned_data.get(name)
        }


def connect_form(kind: str, *args, **kwargs) -> ConnectForm:
    """The Connect form of a CRM."""
    return (SalesforceConnectForm if kind == "salesforce" else ConnectForm)(*args, **kwargs)
