"""The sync page: each CRM's connection (token masked), its last run with counts and skipped
records, the field-ownership table, a "sync now" button and the form to connect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.crm_sync import selectors, services
from accord.crm_sync.connectors import CONNECTORS, OBJECTS
from accord.crm_sync.fields import FIELDS
from accord.crm_sync.forms import SalesforceConnectForm, connect_form
from accord.crm_sync.models import Connection, Side
from accord.crm_sync.tasks import sync_now


def _admin(request):
    if not selectors.may_manage_sync(request.user):
        raise Http404("No such page")


def _kind(kind: str) -> str:
    if kind not in CONNECTORS:
        raise Http404("No such CRM")
    return kind


@login_required
def index(request, forms=None, status=200):
    _admin(request)
    states = selectors.crm_states()
    forms = forms or {}
    for state in states:
        forms.setdefault(state.kind, connect_form(state.kind, prefix=state.kind))
    context = {"crms": [(s, forms[s.kind]) for s in states], "sides": Side.choices}
    return render(request, "crm_sync/index.html", context, status=status)


@login_required
@require_POST
def connect(request, kind):
    _admin(request)
    kind = _kind(kind)
    form = connect_form(kind, request.POST, prefix=kind)
    if not form.is_valid():
        return index(request, forms={kind: form}, status=400)
    options = form.options() if isinstance(form, SalesforceConnectForm) else None
    services.do_connect(
        kind,
        form.cleaned_data["token"],
        base_url=form.cleaned_data["base_url"],
        options=options,
        by=request.user,
    )
    messages.success(request, f"{Connection.Kind(kind).label} connected; sync it now to check.")
    return redirect("crm_sync:index")


@login_required
@require_POST
def run_now(request, kind):
    _admin(request)
    connection, _ = Connection.objects.get_or_create(kind=_kind(kind))
    sync_now.enqueue(connection.pk, full=request.POST.get("full") == "on")
    messages.success(
        request, f"The {connection} sync is queued; the worker runs it and this page shows it."
    )
    return redirect("crm_sync:index")


@login_required
@require_POST
def set_owners(request, kind):
    _admin(request)
    kind = _kind(kind)
    changed = 0
    for obj in OBJECTS[kind]:
        exchanged = [f.name for f in FIELDS.get(obj.becomes, ()) if obj.exchanges(f.name)]
        for name in exchanged:
            chosen = request.POST.get(f"{obj.name}.{name}")
            if chosen is None:
                continue
            if chosen not in Side.values:
                messages.error(request, f"{chosen!r} is not a side; choose the CRM or Accord.")
                return redirect("crm_sync:index")
            changed += services.do_set_owner(kind, obj.name, name, Side(chosen), by=request.user)
    messages.success(request, f"{changed} field owner{'s' if changed != 1 else ''} changed.")
    return redirect("crm_sync:index")
