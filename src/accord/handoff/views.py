"""The rep's inbox page (my leads, why they qualified, the SLA clocks, one click to act).

The inbox is a compact list, most urgent first, with the selected lead in a side panel; each
action posts from the panel with htmx and answers the panel, the lead's row and the counts, so
the page never reloads and no number goes stale; without htmx it answers the whole inbox.
"""

from typing import get_args
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms.utils import flatatt
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accord.handoff import services
from accord.handoff.models import RejectReason
from accord.handoff.selectors import (
    INBOX_SORTS,
    Clock,
    InboxQuery,
    Waiting,
    access_handoff,
    campaigns_to_filter_by,
    count_pool,
    inbox_counts,
    inbox_handoffs,
    inbox_item,
    inbox_items,
    inbox_page,
    lead_touches,
    open_or_closed_handoffs,
    team_reps,
)
from accord.handoff.services import BulkAction, HandoffRefused
from accord.inputs import read_id, read_ids
from accord.scoring.document import Grade
from accord.teams.models import User

TOP_ROWS = 12
INBOX_PAGE = 50
TOUCHES_SHOWN = 20
ANY = [("", "Any")]


class ManyOptions(forms.Select):
    """A select of hundreds of options (every campaign), written in one pass. Django's widget
    renders each option through a template of its own: 285 campaigns took a fifth of the
    inbox's time on the large demo."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", attrs, options)


class InboxForm(forms.Form):
    """The inbox's filters, search and sort, from the query string (or the body of an action,
    which sends them along so the counts it answers are the ones on screen)."""

    q = forms.CharField(label="Find", required=False, max_length=100, strip=True)
    status = forms.ChoiceField(label="Status", required=False, choices=ANY + Waiting.choices)
    grade = forms.ChoiceField(
        label="Grade", required=False, choices=ANY + [(g, g) for g in get_args(Grade)]
    )
    clock = forms.ChoiceField(label="Clock", required=False, choices=ANY + Clock.choices)
    campaign = forms.TypedChoiceField(
        label="Campaign", required=False, coerce=int, empty_value=None, widget=ManyOptions
    )
    sort = forms.ChoiceField(label="Sort by", required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)

    def __init__(self, user, data, reps):
        super().__init__(data)
        self.reps = reps
        self.fields["q"].widget.attrs.update(
            {"placeholder": "Name, e-mail or company", "type": "search"}
        )
        self.fields["campaign"].choices = ANY + campaigns_to_filter_by()
        self.fields["sort"].choices = [("", "Urgency")] + [
            choice
            for key in INBOX_SORTS
            for choice in ((key, f"{key.capitalize()} ▲"), (f"-{key}", f"{key.capitalize()} ▼"))
            if reps or key != "rep"
        ]
        if reps:
            self.fields["rep"] = forms.TypedChoiceField(
                label="Rep",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "Everyone")] + [(r.pk, str(r)) for r in reps],
            )

    def query(self) -> InboxQuery:
        data = self.cleaned_data
        return InboxQuery(
            text=data["q"],
            status=data["status"],
            grade=data["grade"],
            clock=data["clock"],
            campaign_id=data["campaign"],
            rep_id=data.get("rep"),
            sort=data["sort"],
        )

    def params(self) -> dict:
        """The narrowing as a query string, without the page and the sort."""
        return {
            name: value
            for name, value in self.data.items()
            if name in self.fields and name not in ("page", "sort") and value
        }


def _inbox_form(request, data) -> InboxForm:
    form = InboxForm(request.user, data, team_reps(request.user))
    form.is_valid()
    return form


def _list_context(request, form: InboxForm) -> dict:
    """The list, its counts and its page, as narrowed by `form` (whatever it holds that is
    valid: a bad value is named beside its field and left out)."""
    query = form.query() if not form.errors else InboxQuery()
    handoffs = inbox_handoffs(request.user, query)
    counts = inbox_counts(request.user, handoffs)
    paginator = Paginator(handoffs.values_list("pk", flat=True), INBOX_PAGE)
    paginator.count = counts.total  # counted with the rest: one pass over the leads, not two
    page = paginator.get_page(form.cleaned_data.get("page"))
    params = form.params()
    sort = form.cleaned_data.get("sort", "")
    return {
        "form": form,
        "items": inbox_items(inbox_page(handoffs, page.object_list)),
        "page": page,
        "counts": counts,
        "reps": form.reps,
        "params": urlencode({**params, **({"sort": sort} if sort else {})}),
        "sort": sort,
        "headers": _headers(params, sort, bool(form.reps)),
        "reasons": RejectReason.choices,
        "bulk_actions": BulkAction.choices,
    }


COLUMNS = [
    ("Lead", "name"),
    ("Company", "company"),
    ("Grade", "grade"),
    ("Score", "score"),
    ("SLA clock", "clock"),
    ("Status", "status"),
    ("Rep", "rep"),
]


def _headers(params: dict, sort: str, with_rep: bool) -> list[dict]:
    """Each column's label, the link that sorts by it (the other way when it is the current
    sort) and its aria-sort; urgency (no sort) is the clock's ascending order."""
    current = sort or "clock"
    headers = []
    for label, key in COLUMNS:
        if key == "rep" and not with_rep:
            continue
        ascending, descending = current == key, current == f"-{key}"
        target = f"-{key}" if ascending else key
        headers.append(
            {
                "label": label,
                "key": key,
                "href": "?" + urlencode({**params, "sort": target}),
                "aria_sort": "ascending" if ascending else "descending" if descending else None,
            }
        )
    return headers


@login_required
def inbox(request, handoff_id: int | None = None):
    """The inbox a page at a time, most urgent first, with the selected lead in a side panel.
    htmx asks for the list alone when the filters change."""
    form = _inbox_form(request, request.GET)
    context = _list_context(request, form)
    status = 400 if form.errors else 200
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "inbox-list":
        return render(request, "handoff/_list.html", context, status=status)
    if handoff_id is not None:
        context |= _panel_context(request, access_handoff(request.user, handoff_id), form.reps)
    context |= {
        "narrowed": sum(1 for name in form.params() if name != "q") + bool(context["sort"]),
        **_pool(form),
        "pool_batch": services.POOL_BATCH,
    }
    return render(request, "handoff/inbox.html", context, status=status)


def _pool(form: InboxForm) -> dict:
    """The pool a head may hand out (a rep has none to hand out)."""
    pool, more = count_pool() if form.reps else (0, False)
    return {"pool": pool, "pool_more": more}


def _panel_context(request, handoff, reps: list[User]) -> dict:
    return {
        "item": inbox_item(handoff),
        "touches": lead_touches(handoff.person_id, TOUCHES_SHOWN),
        "panel_reps": reps,
        "reasons": RejectReason.choices,
    }


@login_required
def lead(request, handoff_id: int):
    """One lead in the side panel: why it qualified, its touches, its clocks and the actions.
    Without htmx, the inbox with that lead open."""
    if not request.headers.get("HX-Request"):
        return inbox(request, handoff_id)
    handoff = access_handoff(request.user, handoff_id)
    context = _panel_context(request, handoff, team_reps(request.user))
    return render(request, "handoff/_panel.html", context)


@login_required
@require_POST
def route_pool(request):
    try:
        done = services.do_route_pool(request.user)
    except HandoffRefused as exc:
        messages.error(request, exc.message)
        return redirect("handoff:inbox")
    told = [f"Handed {done.routed} MQL{pluralize(done.routed)} from the pool to reps"]
    if done.no_rep:
        told.append(f"no rep was available for {done.no_rep}")
    if done.waiting:
        told.append(f"{done.waiting} still wait in the pool")
    messages.success(request, "; ".join(told) + ".")
    return redirect("handoff:inbox")


def _reject(request, handoff):
    data = request.POST
    return services.do_reject(
        handoff,
        request.user,
        data.get("reason_code", ""),
        data.get("comment", ""),
        services.check_terms(),
    )


def _rep(data, name: str) -> User | None:
    rep_id = read_id(data, name)
    return User.objects.filter(pk=rep_id).first() if rep_id else None


def _reassign(request, handoff):
    to_rep = _rep(request.POST, "to_rep")
    if to_rep is None:
        raise HandoffRefused("Choose the rep to give this lead to", field="to_rep")
    return services.do_reassign(handoff, request.user, to_rep)


ACTIONS = {
    "accept": lambda request, h: services.do_accept(h, request.user),
    "reject": _reject,
    "convert": lambda request, h: services.do_convert(h, request.user),
    "first-touch": lambda request, h: services.do_record_first_touch(h, request.user),
    "reassign": _reassign,
}


@login_required
@require_POST
def act(request, handoff_id: int, action: str):
    """One action on one lead. htmx gets the side panel again, with the lead's row and the
    inbox's counts swapped in place beside it."""
    if action not in ACTIONS:
        raise Http404(f"No inbox action {action!r}")
    handoff = access_handoff(request.user, handoff_id)
    error = None
    try:
        handoff = ACTIONS[action](request, handoff)
    except HandoffRefused as exc:
        error = exc
    if not request.headers.get("HX-Request"):
        if error is None:
            return redirect("handoff:inbox")
        messages.error(request, error.message)
        refused = inbox(request)
        refused.status_code = 422
        return refused
    form = _inbox_form(request, request.POST)
    query = form.query() if not form.errors else InboxQuery()
    handoff = access_handoff(request.user, handoff.pk)
    context = _panel_context(request, handoff, form.reps) | {
        "error": error,
        "counts": inbox_counts(request.user, inbox_handoffs(request.user, query)),
        "reps": form.reps,
        "moved_from": handoff_id if handoff.pk != handoff_id else None,
        "oob": True,
    }
    return render(request, "handoff/_panel.html", context)


@login_required
@require_POST
def bulk(request):
    """One action on the selected leads; htmx gets the list again with what was done and what
    was refused."""
    data = request.POST
    ids = read_ids(data, "ids")
    chosen = list(open_or_closed_handoffs(request.user, ids))
    try:
        result = services.do_bulk(
            chosen,
            request.user,
            data.get("bulk_action", ""),
            reason_code=data.get("bulk_reason", ""),
            comment=data.get("bulk_comment", ""),
            to_rep=_rep(data, "bulk_to_rep"),
        )
    except HandoffRefused as exc:
        result, error = None, exc
    else:
        error = None
    if not request.headers.get("HX-Request"):
        if error is None:
            messages.success(request, _told(result))
            return redirect("handoff:inbox")
        messages.error(request, error.message)
        refused = inbox(request)
        refused.status_code = 422
        return refused
    context = _list_context(request, _inbox_form(request, data)) | {
        "result": result,
        "told": _told(result) if result else "",
        "bulk_error": error,
        "selected": set(ids) if error else set(),
    }
    return render(request, "handoff/_list.html", context, status=422 if error else 200)


DONE = {"accept": "Accepted", "reject": "Rejected", "reassign": "Reassigned"}


def _told(result: services.BulkResult) -> str:
    told = f"{DONE[result.action]} {len(result.done)} lead{pluralize(len(result.done))}"
    if result.refused:
        told += f"; {len(result.refused)} refused"
    return told + "."
