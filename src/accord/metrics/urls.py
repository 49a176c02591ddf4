from django.urls import path

from accord.metrics import feedback, views

app_name = "metrics"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:section>.csv", views.export, name="export"),
    path("dashboard/panels/<slug:name>/", views.panel, name="panel"),
    path("feedback/", feedback.feedback, name="feedback"),
    path("feedback/<slug:section>.csv", feedback.feedback_export, name="feedback_export"),
]
