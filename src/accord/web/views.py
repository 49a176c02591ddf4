from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from accord.alignment.selectors import get_trend
from accord.crm.models import LifecycleStage, PipelineStage
from accord.crm.selectors import get_database_stats
from accord.web.charts import bar_chart


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
            "relationship": (get_trend() or [None])[-1],  # the latest round
            "funnel": funnel,
            "funnel_chart": bar_chart("People by lifecycle stage", funnel),
            "pipeline_chart": bar_chart("Opportunities by pipeline stage", pipeline),
        },
    )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
