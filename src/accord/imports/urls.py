from django.urls import path

from accord.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.run, name="run"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/mappings/", views.map_values, name="map_values"),
    path("<int:pk>/emptied-campaigns/", views.emptied_campaigns, name="emptied_campaigns"),
]
