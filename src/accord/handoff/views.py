"""The rep's inbox page (my leads, why they qualified, the SLA clocks, one click to act) and
marketing's feedback page (why Sales rejects leads, and both sides of the SLA over time).

Each inbox action posts from its row with htmx and answers the row again, so the page never
reloads; without htmx it answers the whole inbox.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from accord import csvsafe
from accord.handoff import services
from accord.handoff.feedback import SECTIONS, period_from
from accord.handoff.models import RejectReason
from accord.handoff.selectors import (
    access_handoff,
    inbox_handoffs,
    inbox_item,
    inbox_items,
    inbox_page,
    pool_mqls,
    team_reps,
)
from accord.handoff.services import HandoffRefused
from accord.metrics import queries as q
from accord.teams.models import User
from accord.web.charts import bar_chart

TOP_ROWS = 12
INBOX_PAGE = 50


@login_required
def inbox(request):
    """The inbox a page at a time: accepted leads pile up while reps work them."""
    reps = team_reps(request.user)
    rep_id = _int(request.GET.get("rep")) if reps else None
    handoffs = inbox_handoffs(request.user, rep_id=rep_id)
    ids = handoffs.values_list("pk", flat=True)
    page = Paginator(ids, INBOX_PAGE).get_page(request.GET.get("page"))
    waiting = handoffs.filter(decided_at__isnull=True).count()
    context = {
        "items": inbox_items(inbox_page(handoffs, page.object_list)),
        "page": page,
        "waiting": waiting,
        "accepted": page.paginator.count - waiting,
        "reps": reps,
        "rep_id": rep_id,
        "reasons": RejectReason.choices,
        "pool": pool_mqls().count() if reps else 0,
        "pool_batch": services.POOL_BATCH,
    }
    return render(request, "handoff/inbox.html", context)


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


@login_required
def feedback(request):
    """Marketing's view of the handoff: why Sales rejects leads, and both sides of the SLA."""
    try:
        filters, grain = period_from(request.GET)
    except ValidationError as exc:
        return render(request, "handoff/feedback.html", {"errors": _problems(exc)}, status=400)
    rejections = q.run_rejections(q.RejectionsQuery(**filters))
    sales = q.run_sales_sla_trend(q.SalesSlaTrendQuery(**filters, grain=grain))
    marketing = q.run_sla_compliance(q.SlaComplianceQuery(**filters))
    context = {
        "filters": filters,
        "grain": grain,
        "query": request.GET.urlencode(),
        "rejections": rejections,
        "breakdowns": [
            (title, shares, bar_chart(f"Rejections by {title}", _bars(shares)))
            for title, shares in (
                ("reason", rejections.by_reason),
                ("campaign", rejections.by_campaign),
                ("channel", rejections.by_channel),
                ("source", rejections.by_source),
            )
        ],
        "sales": sales,
        "sales_chart": bar_chart(
            "First touch within the SLA (%)",
            [(_period_label(s.period, grain), _percent(s.first_touch_rate)) for s in sales],
        ),
        "decision_chart": bar_chart(
            "Accepted or rejected within the SLA (%)",
            [(_period_label(s.period, grain), _percent(s.decision_rate)) for s in sales],
        ),
        "marketing": marketing,
        "marketing_chart": bar_chart(
            "MQLs delivered",
            [(m.month.strftime("%b %Y"), m.delivered) for m in marketing.marketing],
        ),
    }
    return render(request, "handoff/feedback.html", context)


def _bars(shares) -> list[tuple[str, int]]:
    return [(s.label, s.rejections) for s in shares[:TOP_ROWS]]


def _percent(rate: float | None) -> int:
    return round(rate * 100) if rate is not None else 0


def _period_label(period, grain: str) -> str:
    return period.strftime("%b %Y") if grain == "month" else f"Week of {period:%d %b}"


def _problems(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(map(str, e['loc'])) or 'period'}: {e['msg']}" for e in exc.errors()]


@login_required
def feedback_export(request, section: str):
    """One part of the feedback page as CSV, for the same period; formula-like cells are
    neutralised so a spreadsheet shows them as text."""
    if section not in SECTIONS:
        raise Http404(f"No feedback section {section!r}")
    try:
        filters, grain = period_from(request.GET)
    except ValidationError as exc:
        return HttpResponse("\n".join(_problems(exc)), status=400, content_type="text/plain")
    headers, rows = SECTIONS[section](filters, grain)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="accord-feedback-{section}.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(headers)
    writer.writerows(rows)
    return response
