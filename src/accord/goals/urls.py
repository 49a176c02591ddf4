from django.urls import path

from accord.goals import views

app_name = "goals"

urlpatterns = [
    path("goals/", views.goals, name="index"),
    path("goals/set/", views.set_goal, name="set_goal"),
    path("goals/plan/", views.save_plan, name="save_plan"),
    path("goals/ideas/", views.record_idea, name="record_idea"),
]
