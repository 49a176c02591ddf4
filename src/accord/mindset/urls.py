from django.urls import path

from accord.mindset import views

app_name = "mindset"

urlpatterns = [
    path("", views.results, name="index"),
    path("answer/", views.answer, name="answer"),
    path("rounds/start/", views.start_round, name="start-round"),
    path("rounds/close/", views.close_round, name="close-round"),
]
