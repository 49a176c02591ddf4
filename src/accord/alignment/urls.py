from django.urls import path

from accord.alignment import views

app_name = "alignment"

urlpatterns = [
    path("", views.results, name="index"),
    path("assessment/", views.assessment, name="assessment"),
    path("rounds/open/", views.open_round, name="open-round"),
    path("rounds/close/", views.close_round, name="close-round"),
]
