from django.urls import path

from accord.metrics import views

app_name = "metrics"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:section>.csv", views.export, name="export"),
    path("dashboard/panels/<slug:name>/", views.panel, name="panel"),
]
