"""The weekly digest as both teams will get it, previewed by the admins who read Accord's mail."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accord.goals.digest import build_digest
from accord.teams.access import may_read_sent_mail


@login_required
def digest_preview(request):
    if not may_read_sent_mail(request.user):
        raise Http404("No such page")
    asked = request.GET.get("date", "")
    try:
        day = dt.date.fromisoformat(asked) if asked else timezone.localdate()
    except ValueError:
        return render(
            request,
            "goals/digest_preview.html",
            {"error": f"“{asked}” is not a date like 2026-11-23.", "day": None, "asked": asked},
            status=400,
        )
    return render(
        request,
        "goals/digest_preview.html",
        {"digest": build_digest(day), "day": day, "asked": asked},
    )
