"""The record pages: the people a user may see, one person (score and why, lifecycle, touches,
handoffs, deals, history) and one account (its people, deals and the deals' history)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accord.crm import selectors
from accord.crm.models import LifecycleStage


@login_required
def people(request):
    query = request.GET.get("q", "").strip()[:100]
    stage = request.GET.get("stage", "")
    stage = stage if stage in LifecycleStage.values else ""
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    context = {
        "results": selectors.search_people(request.user, query, stage, page),
        "query": query,
        "stage": stage,
        "stages": LifecycleStage.choices,
    }
    return render(request, "crm/people.html", context)


@login_required
def person(request, pk: int):
    return render(request, "crm/person.html", {"r": selectors.person_record(request.user, pk)})


@login_required
def account(request, pk: int):
    return render(request, "crm/account.html", {"r": selectors.account_record(request.user, pk)})
