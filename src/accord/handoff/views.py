"""The rep's inbox page: my leads, why they qualified, the SLA clocks, one click to act.

Each action posts from its row with htmx and answers the row again, so the page never
reloads; without htmx it answers the whole inbox.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.handoff import services
from accord.handoff.models import RejectReason
from accord.handoff.selectors import access_handoff, inbox_for, inbox_item, team_reps
from accord.handoff.services import HandoffRefused
from accord.teams.models import User


@login_required
def inbox(request):
    reps = team_reps(request.user)
    rep_id = _int(request.GET.get("rep")) if reps else None
    context = {
        "items": inbox_for(request.user, rep_id=rep_id),
        "reps": reps,
        "rep_id": rep_id,
        "reasons": RejectReason.choices,
    }
    return render(request, "handoff/inbox.html", context)


def _int(value) -> int | None:
    return int(value) if value and value.isdigit() else None


def _reject(request, handoff):
    data = request.POST
    return services.do_reject(
        handoff,
        request.user,
        data.get("reason_code", ""),
        data.get("comment", ""),
        services.check_terms(),
    )


def _reassign(request, handoff):
    to_rep = User.objects.filter(pk=_int(request.POST.get("to_rep"))).first()
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
    if action not in ACTIONS:
        raise Http404(f"No inbox action {action!r}")
    handoff = access_handoff(request.user, handoff_id)
    error = None
    try:
        handoff = ACTIONS[action](request, handoff)
    except HandoffRefused as exc:
        error = exc.message
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect("handoff:inbox")
    context = {
        "item": inbox_item(access_handoff(request.user, handoff.pk)),
        "error": error,
        "reps": team_reps(request.user),
        "reasons": RejectReason.choices,
        "moved_from": handoff_id if handoff.pk != handoff_id else None,
    }
    return render(request, "handoff/_row.html", context)
