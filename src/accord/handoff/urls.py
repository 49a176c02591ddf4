from django.urls import path

from accord.handoff import views

app_name = "handoff"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/pool/route/", views.route_pool, name="route_pool"),
    path("inbox/bulk/", views.bulk, name="bulk"),
    path("inbox/<int:handoff_id>/", views.lead, name="lead"),
    path("inbox/<int:handoff_id>/<slug:action>/", views.act, name="act"),
]
