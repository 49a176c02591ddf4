"""The lists of the shared database: people, accounts, deals and campaigns, each found by a
fragment of text, narrowed by filters, sorted by a column, fifty to a page with how many match,
and downloaded as CSV as filtered. Each user sees only the rows their role may read
(`teams.access`); the rows come from each domain's selectors."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accord.crm import selectors as crm
from accord.crm.models import LifecycleStage, PipelineStage
from accord.crm.selectors import UNASSIGNED, ListQuery
from accord.imports.services import write_export
from accord.teams import access
from accord.touchpoints import selectors as campaigns
from accord.touchpoints.models import Campaign, Channel
from accord.web.forms import any_errors

ANY = [("", "Any")]


class ListForm(forms.Form):
    """The query string of a list page; each list adds its filters."""

    q = forms.CharField(label="Find", required=False, max_length=100, strip=True)
    sort = forms.CharField(required=False, max_length=20)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)

    sorts: dict = {}
    filters: dict[str, str] = {}  # form field → the selector's filter

    def __init__(self, user, data):
        super().__init__(data)
        self.user = user

    def clean_sort(self):
        sort = self.cleaned_data["sort"]
        if sort and sort.lstrip("-") not in self.sorts:
            raise forms.ValidationError(
                f"Sort by one of: {', '.join(self.sorts)} (a leading - sorts the other way)"
            )
        return sort

    def query(self) -> ListQuery:
        data = self.cleaned_data
        filters = {self.filters[name]: data[name] for name in self.filters}
        return ListQuery(text=data["q"], sort=data["sort"], filters=filters)


def _owner_field(user) -> forms.ChoiceField:
    owners = [(str(o.pk), str(o)) for o in access.owners_in_view(user)]
    return forms.ChoiceField(
        label="Owner", required=False, choices=[*ANY, (UNASSIGNED, "Unassigned"), *owners]
    )


class PeopleForm(ListForm):
    q = forms.CharField(label="Name or e-mail", required=False, max_length=100, strip=True)
    stage = forms.ChoiceField(label="Stage", required=False, choices=ANY + LifecycleStage.choices)
    sorts = crm.PEOPLE_SORTS
    filters = {"stage": "lifecycle_stage", "owner": "owner"}

    def __init__(self, user, data):
        super().__init__(user, data)
        self.fields["owner"] = _owner_field(user)


class AccountsForm(ListForm):
    q = forms.CharField(label="Name or domain", required=False, max_length=100, strip=True)
    sorts = crm.ACCOUNT_SORTS
    filters = {"industry": "industry", "region": "region", "owner": "owner"}

    def __init__(self, user, data):
        super().__init__(user, data)
        industries, regions = crm.industries_and_regions_of(user)
        industries = [(i, i) for i in industries]
        regions = [(r, r) for r in regions]
        self.fields["industry"] = forms.ChoiceField(
            label="Industry", required=False, choices=ANY + industries
        )
        self.fields["region"] = forms.ChoiceField(
            label="Region", required=False, choices=ANY + regions
        )
        self.fields["owner"] = _owner_field(user)


class DealsForm(ListForm):
    q = forms.CharField(label="Deal or account", required=False, max_length=100, strip=True)
    stage = forms.ChoiceField(label="Stage", required=False, choices=ANY + PipelineStage.choices)
    sorts = crm.DEAL_SORTS
    filters = {"stage": "stage", "owner": "owner"}

    def __init__(self, user, data):
        super().__init__(user, data)
        self.fields["owner"] = _owner_field(user)


class CampaignsForm(ListForm):
    q = forms.CharField(label="Name or UTM", required=False, max_length=100, strip=True)
    channel = forms.ChoiceField(label="Channel", required=False, choices=ANY + Channel.choices)
    kind = forms.ChoiceField(label="Type", required=False, choices=ANY + Campaign.Kind.choices)
    status = forms.ChoiceField(
        label="Status", required=False, choices=ANY + Campaign.Status.choices
    )
    sorts = campaigns.CAMPAIGN_SORTS
    filters = {"channel": "channel", "kind": "kind", "status": "status"}


@dataclass(frozen=True)
class Listing:
    """One list page: its form, its rows, its columns (label, sort key or None) and its CSV."""

    kind: str  # the export's kind, also the list's name in the URLs
    title: str
    noun: str  # "people", "accounts" ...
    form: type[ListForm]
    rows: Callable  # (user, ListQuery) -> QuerySet
    columns: list[tuple[str, str | None]]
    row_template: str
    record: str  # its name in teams.access
    new_url: str  # the page that adds one
    new_label: str


PEOPLE = Listing(
    "people",
    "People",
    "people",
    PeopleForm,
    crm.filter_people,
    [
        ("Name", "name"),
        ("E-mail", "email"),
        ("Account", "account"),
        ("Stage", "stage"),
        ("Owner", "owner"),
        ("Added", "created"),
    ],
    "web/lists/person_row.html",
    "person",
    "web:new-person",
    "Add a person",
)
ACCOUNTS = Listing(
    "accounts",
    "Accounts",
    "accounts",
    AccountsForm,
    crm.filter_accounts,
    [
        ("Name", "name"),
        ("Domain", "domain"),
        ("Industry", "industry"),
        ("Region", "region"),
        ("Employees", "employees"),
        ("Owner", "owner"),
    ],
    "web/lists/account_row.html",
    "account",
    "web:new-account",
    "Add an account",
)
DEALS = Listing(
    "opportunities",
    "Deals",
    "deals",
    DealsForm,
    crm.filter_opportunities,
    [
        ("Deal", "name"),
        ("Account", "account"),
        ("Amount", "amount"),
        ("Stage", "stage"),
        ("Owner", "owner"),
        ("Created", "created"),
        ("Closes", "close"),
    ],
    "web/lists/deal_row.html",
    "opportunity",
    "web:new-deal",
    "Add a deal",
)
CAMPAIGNS = Listing(
    "campaigns",
    "Campaigns",
    "campaigns",
    CampaignsForm,
    campaigns.filter_campaigns,
    [
        ("Campaign", "name"),
        ("Channel", "channel"),
        ("Type", "kind"),
        ("Status", "status"),
        ("Starts", "start"),
        ("Ends", "end"),
        ("Cost", "cost"),
    ],
    "web/lists/campaign_row.html",
    "campaign",
    "web:new-campaign",
    "File a campaign",
)


def _headers(listing: Listing, form: ListForm, params: dict) -> list[dict]:
    """Each column's label, and for a sortable one the link that sorts by it (the other way
    when it is the current sort) and its aria-sort."""
    current = form.cleaned_data.get("sort", "") if form.is_valid() else ""
    headers = []
    for label, key in listing.columns:
        header = {"label": label, "href": None, "aria_sort": None}
        if key:
            ascending = current == key
            descending = current == f"-{key}"
            target = f"-{key}" if ascending else key
            header["href"] = "?" + urlencode({**params, "sort": target})
            header["aria_sort"] = "ascending" if ascending else "descending" if descending else None
        headers.append(header)
    return headers


def _params(form: ListForm) -> dict:
    """The query string without the page and the sort, for the links that change either."""
    return {
        name: value
        for name, value in form.data.items()
        if name in form.fields and name not in ("page", "sort") and value
    }


def show_list(request, listing: Listing):
    form = listing.form(request.user, request.GET)
    params = _params(form)

    def may(action: access.Write) -> bool:
        return access.may_write(request.user, listing.record, action)

    context = {
        "listing": listing,
        "form": form,
        "forms": [form],
        "params": urlencode(params),
        "new_url": reverse(listing.new_url) if may(access.Write.CREATE) else None,
        "may_edit": may(access.Write.UPDATE),
    }
    if not form.is_valid():
        context["has_errors"] = any_errors([form])
        context["headers"] = _headers(listing, form, params)
        return render(request, "web/list.html", context, status=400)
    rows = listing.rows(request.user, form.query())
    context |= {
        "results": crm.page_of(rows, form.cleaned_data["page"] or 1),
        "headers": _headers(listing, form, params),
        "sort": form.cleaned_data["sort"],
    }
    return render(request, "web/list.html", context)


def export_list(request, listing: Listing):
    """The filtered list as CSV, every matching row, through the export writer (formula-like
    cells neutralised, the export kept in the audit trail with its filters)."""
    form = listing.form(request.user, request.GET)
    if not form.is_valid():
        problems = [f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()]
        return HttpResponse("\n".join(problems), status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="accord-{listing.kind}.csv"'
    filters = urlencode(_params(form)) or "none (every record they may read)"
    write_export(
        listing.kind,
        response,
        by=request.user,
        destination=f"download from the {listing.noun} list",
        records=listing.rows(request.user, form.query()),
        filters=filters,
    )
    return response


def _views(listing: Listing):
    @login_required
    def page(request):
        return show_list(request, listing)

    @login_required
    def export(request):
        return export_list(request, listing)

    return page, export


people, people_export = _views(PEOPLE)
accounts, accounts_export = _views(ACCOUNTS)
deals, deals_export = _views(DEALS)
campaign_list, campaigns_export = _views(CAMPAIGNS)
