"""Creating and changing people, accounts, deals and campaigns in the pages, within what the
user's role may do, through the same checks (`teams.access`, `crm.access`,
`touchpoints.access`) and services as the JSON API.

Errors come back in the form: a summary at the top, each beside its field. A form submitted
twice (a double click, a resend) is carried out once by `web.submissions`, for every form."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from accord.crm import access as crm_access
from accord.crm import services as crm
from accord.planning.services import PlanningRefused, do_file_campaign
from accord.teams import access
from accord.teams.access import AccessDenied, UnknownReference
from accord.touchpoints import access as touchpoints_access
from accord.touchpoints.services import do_update_campaign
from accord.web.forms import (
    AccountForm,
    CampaignForm,
    DealForm,
    PersonForm,
    PlanForm,
    any_errors,
)

REASON = "changed on its page"


@dataclass(frozen=True)
class Editor:
    """How the pages create and change one kind of record."""

    record: str  # its name in teams.access
    noun: str
    form: type
    access_one: Callable  # (user, pk) -> record, 404 out of scope
    check_changes: access.ChangeCheck  # from its app's access
    create: Callable | None  # (user, changes) -> record
    update: Callable  # (user, record, changes) -> record
    initial: Callable  # record -> the form's initial values
    shown_at: Callable  # record -> the URL that shows it


def _owner(record) -> str:
    return str(record.owner_id or "")


PERSON = Editor(
    "person",
    "person",
    PersonForm,
    crm_access.access_person,
    crm_access.check_changes,
    lambda user, changes: crm.do_create_person(changes, by=user, reason=REASON),
    lambda user, person, changes: crm.do_update_person(person, changes, by=user, reason=REASON),
    lambda p: {
        **{f: getattr(p, f) for f in PersonForm.base_fields if hasattr(p, f) and f != "account"},
        "account": p.account.domain if p.account else "",
        "owner_id": _owner(p),
    },
    lambda p: reverse("crm:person", args=[p.pk]),
)
ACCOUNT = Editor(
    "account",
    "account",
    AccountForm,
    crm_access.access_account,
    crm_access.check_changes,
    lambda user, changes: crm.do_create_account(changes, by=user),
    lambda user, account, changes: crm.do_update_account(account, changes, by=user),
    lambda a: {
        **{f: getattr(a, f) for f in AccountForm.base_fields if hasattr(a, f)},
        "owner_id": _owner(a),
    },
    lambda a: reverse("crm:account", args=[a.pk]),
)
DEAL = Editor(
    "opportunity",
    "deal",
    DealForm,
    crm_access.access_opportunity,
    crm_access.check_changes,
    lambda user, changes: crm.do_create_opportunity(changes, by=user),
    lambda user, deal, changes: crm.do_update_opportunity(deal, changes, by=user),
    lambda d: {
        **{
            f: getattr(d, f)
            for f in DealForm.base_fields
            if hasattr(d, f) and f not in ("account", "primary_contact")
        },
        "account": d.account.domain if d.account else "",
        "primary_contact": d.primary_contact.email if d.primary_contact else "",
        "owner_id": _owner(d),
    },
    lambda d: (
        reverse("crm:account", args=[d.account_id])
        if d.account_id
        else f"{reverse('web:deals')}?{urlencode({'q': d.name})}"
    ),
)
CAMPAIGN = Editor(
    "campaign",
    "campaign",
    CampaignForm,
    touchpoints_access.access_campaign,
    touchpoints_access.check_changes,
    None,  # a campaign is filed with its plan: `new_campaign`
    lambda user, campaign, changes: do_update_campaign(campaign, changes, by=user),
    lambda c: {f: getattr(c, f) for f in CampaignForm.base_fields if hasattr(c, f)},
    lambda c: reverse("planning:campaign", args=[c.pk]),
)


def _show_errors(forms, exc: Exception) -> None:
    """Each refusal of the checks and services beside the field it names (or at the top)."""
    problems: Sequence[tuple[str | None, str]]
    if isinstance(exc, AccessDenied):
        problems = exc.errors
    elif isinstance(exc, UnknownReference | crm.Conflict | crm.InvalidChange):
        problems = [(exc.field, exc.message)]
    elif isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        problems = [(f, m) for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        problems = [(None, " ".join(getattr(exc, "messages", [str(exc)])))]
    for name, message in problems:
        owner = next((f for f in forms if name and f.field_of(name)), forms[0])
        owner.add_error(owner.field_of(name) if name else None, message)


def _render(request, editor: Editor, forms, title: str, record=None, status: int = 200):
    context = {
        "forms": forms,
        "has_errors": any_errors(forms),
        "title": title,
        "editor": editor,
        "record": record,
        "cancel_url": editor.shown_at(record) if record else None,
    }
    return render(request, "web/record_form.html", context, status=status)


def create_view(request, editor: Editor):
    user = request.user
    if not access.may_write(user, editor.record, access.Write.CREATE):
        raise PermissionDenied(f"Your role may not add a {editor.noun}")
    form = editor.form(user, request.POST or None)
    title = f"Add a {editor.noun}"
    if request.method != "POST" or not form.is_valid():
        return _render(request, editor, [form], title, status=400 if form.errors else 200)

    try:
        with transaction.atomic():
            changes = editor.check_changes(user, editor.record, access.Write.CREATE, form.changes())
            assert editor.create is not None, "campaigns are filed with their plan: new_campaign"
            pk = editor.create(user, changes).pk
    except (AccessDenied, UnknownReference, crm.Conflict, crm.InvalidChange, ValidationError) as e:
        _show_errors([form], e)
        return _render(request, editor, [form], title, status=400)
    record = editor.access_one(user, pk)
    messages.success(request, f"{record} is added.")
    return redirect(editor.shown_at(record))


def edit_view(request, editor: Editor, pk: int):
    user = request.user
    record = editor.access_one(user, pk)
    if not access.may_write(user, editor.record, access.Write.UPDATE):
        raise PermissionDenied(f"Your role may not change a {editor.noun}")
    form = editor.form(
        user, request.POST or None, action=access.Write.UPDATE, initial=editor.initial(record)
    )
    title = f"Change {record}"
    if request.method != "POST" or not form.is_valid():
        return _render(request, editor, [form], title, record, status=400 if form.errors else 200)
    try:
        with transaction.atomic():
            changes = editor.check_changes(user, editor.record, access.Write.UPDATE, form.changes())
            record = editor.update(user, record, changes)
    except (AccessDenied, UnknownReference, crm.Conflict, crm.InvalidChange, ValidationError) as e:
        _show_errors([form], e)
        return _render(request, editor, [form], title, record, status=400)
    messages.success(request, f"{record} is saved." if changes else "Nothing changed.")
    return redirect(editor.shown_at(record))


@login_required
def new_campaign(request):
    """Marketing files a campaign with its plan; it stays planned until both heads sign."""
    user = request.user
    if not access.may_write(user, "campaign", access.Write.CREATE):
        raise PermissionDenied("Campaigns are filed by marketing")
    form = CampaignForm(user, request.POST or None)
    plan = PlanForm(request.POST or None, prefix="plan")
    forms = [form, plan]
    title = "File a campaign and its plan"
    posted = request.method == "POST"
    if not posted or not all([form.is_valid(), plan.is_valid()]):
        return _render(request, CAMPAIGN, forms, title, status=400 if posted else 200)

    data = form.changes()
    if user.team_id:
        data["owner_team_id"] = user.team_id
    try:
        with transaction.atomic():
            changes = touchpoints_access.check_changes(user, "campaign", access.Write.CREATE, data)
            pk = do_file_campaign(user, changes, plan.plan()).campaign.pk
    except (AccessDenied, UnknownReference, crm.Conflict, crm.InvalidChange, ValidationError) as e:
        _show_errors(forms, e)
        return _render(request, CAMPAIGN, forms, title, status=400)
    except PlanningRefused as exc:
        form.add_error(None, str(exc))
        return _render(request, CAMPAIGN, forms, title, status=400)
    campaign = touchpoints_access.access_campaign(user, pk)
    messages.success(request, f"{campaign} is filed; its plan waits for both heads to sign.")
    return redirect(CAMPAIGN.shown_at(campaign))


def _views(editor: Editor):
    @login_required
    def new(request):
        return create_view(request, editor)

    @login_required
    def edit(request, pk: int):
        return edit_view(request, editor, pk)

    return new, edit


new_person, edit_person = _views(PERSON)
new_account, edit_account = _views(ACCOUNT)
new_deal, edit_deal = _views(DEAL)
_, edit_campaign = _views(CAMPAIGN)
