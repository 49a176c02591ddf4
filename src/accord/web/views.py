from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST

from accord.alignment.selectors import get_latest_published
from accord.charts import bar_chart
from accord.crm.models import LifecycleStage, PipelineStage
from accord.crm.selectors import (
    find_accounts,
    find_opportunities,
    find_people,
    get_database_stats,
)
from accord.teams import access
from accord.touchpoints.selectors import find_campaigns
from accord.web.health import check_database, system_checks, worker_state
from accord.web.prometheus import exposition, may_scrape
from accord.web.today import needs_of


@login_required
def home(request):
    stats = get_database_stats()
    funnel = [
        (LifecycleStage(stage).label, count) for stage, count in stats.people_by_stage.items()
    ]
    pipeline = [
        (PipelineStage(stage).label, count) for stage, count in stats.opportunities_by_stage.items()
    ]
    return render(
        request,
        "web/home.html",
        {
            "stats": stats,
            "needs": needs_of(request.user),
            "relationship": get_latest_published(),
            "funnel": funnel,
            "funnel_chart": bar_chart("People by lifecycle stage", funnel),
            "pipeline_chart": bar_chart("Opportunities by pipeline stage", pipeline),
        },
    )


def healthz(request):
    """Cheap by default (the database answers); with ?deep=1 the cache and the worker too,
    answering 503 with each failing part named."""
    if request.GET.get("deep") != "1":
        check_database()
        return JsonResponse({"status": "ok"})
    checks = system_checks()
    failures = {check.part: check.problem for check in checks if not check.ok}
    if failures:
        return JsonResponse({"status": "failing", "failing": failures}, status=503)
    return JsonResponse({"status": "ok", "checked": [check.part for check in checks]})


@login_required
def health(request):
    """The same checks for an admin to read, with how far behind the worker is."""
    if not access.may_read_system_health(request.user):
        raise PermissionDenied
    checks = system_checks()
    return render(
        request,
        "web/health.html",
        {
            "checks": checks,
            "failing": sum(not check.ok for check in checks),
            "worker": worker_state(timezone.now()),
        },
    )


def metrics(request):
    """Prometheus' scrape: the token's holder, or a client on this machine when none is set."""
    if not may_scrape(request):
        answer = HttpResponse("Send Authorization: Bearer ACCORD_METRICS_TOKEN\n", status=401)
        answer["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return answer
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=100, strip=True)


@login_required
def search(request):
    """People, accounts, deals and campaigns matching a fragment of text, grouped by kind,
    among the records the user may read; each group links to its list holding them all."""
    form = SearchForm(request.GET)
    if not request.GET.get("q", "").strip():
        return render(request, "web/search.html", {"form": SearchForm(), "groups": []})
    if not form.is_valid():
        context = {"form": form, "forms": [form], "has_errors": True, "groups": []}
        return render(request, "web/search.html", context, status=400)
    text, user = form.cleaned_data["q"], request.user
    groups = [
        ("People", "people", find_people(user, text), "web:people"),
        ("Accounts", "accounts", find_accounts(user, text), "web:accounts"),
        ("Deals", "deals", find_opportunities(user, text), "web:deals"),
        ("Campaigns", "campaigns", find_campaigns(user, text), "web:campaigns"),
    ]
    context = {
        "form": form,
        "text": text,
        "groups": [
            {"title": t, "noun": n, "found": f, "all": f"{reverse(u)}?{urlencode({'q': text})}"}
            for t, n, f, u in groups
        ],
        "total": sum(f.count for _, _, f, _ in groups),
        "more": any(f.more for _, _, f, _ in groups),
    }
    return render(request, "web/search.html", context)


def bad_request(request, exception):
    """A 400 that says what was wrong (a bad id in the address, a NUL character in a field)."""
    context = {"heading": "The request was not understood", "reason": str(exception)}
    return render(request, "web/refused.html", context, status=400)
