from django.urls import path

from accord.goals import digest_views, rhythm_views, views

app_name = "goals"

urlpatterns = [
    path("goals/", views.goals, name="index"),
    path("goals/set/", views.set_goal, name="set_goal"),
    path("goals/plan/", views.save_plan, name="save_plan"),
    path("goals/ideas/", views.record_idea, name="record_idea"),
    path("goals/people/", rhythm_views.people_page, name="people"),
    path("goals/people/sign-up/", rhythm_views.sign_up, name="sign_up"),
    path("goals/people/<int:user_id>/liaison/", rhythm_views.set_liaison, name="set_liaison"),
    path("goals/digest/", digest_views.digest_preview, name="digest"),
    path("meetings/", rhythm_views.meetings_page, name="meetings"),
    path("meetings/record/", rhythm_views.record_meeting, name="record_meeting"),
    path("meetings/<int:pk>/", rhythm_views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/items/", rhythm_views.add_action_item, name="add_item"),
    path("meetings/items/<int:pk>/done/", rhythm_views.complete_action_item, name="item_done"),
]
