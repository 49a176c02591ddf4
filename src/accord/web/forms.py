"""The forms that create and change people, accounts, deals and campaigns.

Each form offers only the fields the user's role may write (`teams.access.WRITABLE`) and gives
the services the same changes the JSON API would (`crm.access.check_changes`). A record is named by
what people know it by: an account by its domain, a person by their e-mail."""

from typing import cast

from django import forms

from accord.crm.access import accounts_for, people_for
from accord.crm.models import LifecycleStage, PipelineStage, Seniority
from accord.money import MoneyFormField
from accord.planning.models import BuyingStep, CampaignPlan
from accord.teams import access
from accord.touchpoints.models import Campaign, Channel

UNASSIGNED = ""
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordForm(forms.Form):
    """A form for one kind of record: `record` names it in `teams.access`; `references` turns
    a field the user types (a domain, an e-mail) into the id field the services take."""

    record = ""
    references: dict[str, str] = {}  # form field → access field (account → account_id)

    def __init__(self, user, *args, action: access.Write = access.Write.CREATE, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.action = user, action
        allowed = access.writable_fields(user, self.record, action)
        for name in list(self.fields):
            if self.references.get(name, name) not in allowed:
                del self.fields[name]
        if "owner_id" in self.fields:
            owners = [(str(u.pk), str(u)) for u in access.assignable_owners(user)]
            owner_field = cast(forms.ChoiceField, self.fields["owner_id"])
            owner_field.choices = [(UNASSIGNED, "Unassigned"), *owners]
        if action == access.Write.CREATE and not self.is_bound and "owner_id" in self.fields:
            if access.audience_of(user) == access.Audience.REP:
                self.initial.setdefault("owner_id", str(user.pk))

    def field_of(self, name: str) -> str | None:
        """The form field an error of the services' field `name` belongs beside."""
        for field, reference in self.references.items():
            if reference == name:
                return field
        return name if name in self.fields else None

    def changes(self) -> dict:
        """What the user sent, keyed as `check_changes` takes it: every field for a new
        record, only the fields changed for an existing one."""
        names = list(self.fields)
        if self.action == access.Write.UPDATE:
            names = [n for n in names if n in self.changed_data]
        return {self.references.get(n, n): self._value(n) for n in names}

    def _value(self, name: str):
        value = self.cleaned_data[name]
        if name == "owner_id":
            return int(value) if value else None
        if name in self.references:
            return value.pk if value else None
        return value


def _text(label: str, max_length: int, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


def _currency() -> forms.RegexField:
    return forms.RegexField(
        label="Currency",
        regex=r"^[A-Z]{3}$",
        initial="USD",
        help_text="ISO 4217 code, e.g. EUR",
        error_messages={"invalid": "Enter a three-letter currency code in capitals, e.g. EUR"},
    )


class PersonForm(RecordForm):
    record = "person"
    references = {"account": "account_id"}

    email = forms.EmailField(label="E-mail", max_length=254)
    first_name = _text("First name", 100)
    last_name = _text("Last name", 100)
    title = _text("Job title", 200)
    seniority = forms.ChoiceField(label="Seniority", choices=Seniority.choices, required=False)
    is_decision_maker = forms.BooleanField(label="Makes the buying decision", required=False)
    phone = _text("Phone", 50)
    account = _text("Account's domain", 255, help_text="e.g. northwind.example")
    lifecycle_stage = forms.ChoiceField(
        label="Lifecycle stage", choices=LifecycleStage.choices, initial=LifecycleStage.LEAD
    )
    lead_status = _text("Lead status", 50)
    original_source = _text("Original source", 100)
    owner_id = forms.ChoiceField(label="Owner", required=False)

    def clean_account(self):
        return _account(self.user, self.cleaned_data["account"])


class AccountForm(RecordForm):
    record = "account"

    name = _text("Name", 255, required=True)
    domain = forms.RegexField(
        label="Domain",
        max_length=255,
        required=False,
        regex=r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$",
        error_messages={"invalid": "Enter a domain like northwind.example"},
    )
    industry = _text("Industry", 100)
    employee_count = forms.IntegerField(
        label="Employees", required=False, min_value=0, max_value=2_147_483_647
    )
    region = _text("Region", 100)
    owner_id = forms.ChoiceField(label="Owner", required=False)

    def clean_domain(self):
        return self.cleaned_data["domain"].lower()


class DealForm(RecordForm):
    record = "opportunity"
    references = {"account": "account_id", "primary_contact": "primary_contact_id"}

    name = _text("Name", 255, required=True)
    account = _text("Account's domain", 255, help_text="e.g. northwind.example")
    primary_contact = forms.EmailField(label="Primary contact's e-mail", required=False)
    amount = MoneyFormField(label="Amount", required=False)
    currency = _currency()
    stage = forms.ChoiceField(label="Stage", choices=PipelineStage.choices)
    close_date = forms.DateField(
        label="Close date",
        required=False,
        widget=DATE,
        help_text="Today when it closes without one",
    )
    lost_reason = _text("Why it was lost", 255)
    owner_id = forms.ChoiceField(label="Owner", required=False)

    def clean_account(self):
        return _account(self.user, self.cleaned_data["account"])

    def clean_primary_contact(self):
        email = self.cleaned_data["primary_contact"]
        if not email:
            return None
        person = people_for(self.user).filter(email__iexact=email).first()
        if person is None:
            raise forms.ValidationError(f"Nobody you may see has the e-mail {email}")
        return person


class CampaignForm(RecordForm):
    record = "campaign"

    name = _text("Name", 255, required=True)
    channel = forms.ChoiceField(label="Channel", choices=Channel.choices)
    kind = forms.ChoiceField(label="Type", choices=Campaign.Kind.choices)
    start_date = forms.DateField(label="Starts", required=False, widget=DATE)
    end_date = forms.DateField(label="Ends", required=False, widget=DATE)
    cost = MoneyFormField(label="Cost", initial=0)
    currency = _currency()
    utm_campaign = _text("UTM campaign", 255, help_text="utm_campaign of its links")
    advantage = _text("Competitive advantage it promotes", 200)
    status = forms.ChoiceField(label="Status", choices=Campaign.Status.choices)

    def __init__(self, user, *args, action: access.Write = access.Write.CREATE, **kwargs):
        super().__init__(user, *args, action=action, **kwargs)
        # a new campaign is planned until both heads sign its plan
        if action == access.Write.CREATE:
            self.fields.pop("status", None)


class PlanForm(forms.Form):
    """The plan filed with a new campaign; it is changed later on the campaign's page."""

    buying_step = forms.ChoiceField(
        label="Buying stage", required=False, choices=[("", "—"), *BuyingStep.choices]
    )
    objective = forms.CharField(
        label="What it should achieve", widget=forms.Textarea(attrs={"rows": 3})
    )
    audience = forms.CharField(
        label="Who it reaches", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    message = forms.CharField(
        label="What it says", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sales_material = forms.CharField(
        label="What sales gets", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sales_follow_up = forms.CharField(
        label="What sales does with its leads",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def field_of(self, name: str) -> str | None:
        return name if name in self.fields else None

    def plan(self) -> dict:
        return {name: self.cleaned_data[name] for name in CampaignPlan.CONTENT_FIELDS}


def any_errors(forms) -> bool:
    """Whether the page shows the error summary. Django itself ties a field in error to its
    message (aria-invalid, aria-describedby naming web/_field.html's error and hint)."""
    return any(form.errors for form in forms)


def _account(user, domain: str):
    if not domain:
        return None
    account = accounts_for(user).filter(domain__iexact=domain.strip()).first()
    if account is None:
        raise forms.ValidationError(f"No account you may see has the domain {domain}")
    return account
