from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from accord.crm.models import LifecycleStage
from accord.crm.selectors import get_database_stats


@login_required
def home(request):
    stats = get_database_stats()
    funnel = [
        {"stage": LifecycleStage(stage).label, "count": stats.people_by_stage[stage]}
        for stage in stats.people_by_stage
    ]
    return render(request, "web/home.html", {"stats": stats, "funnel": funnel})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
