from django.urls import path

from accord.handoff import views

app_name = "handoff"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:handoff_id>/<slug:action>/", views.act, name="act"),
]
