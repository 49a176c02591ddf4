from django.urls import path

from accord.planning import views

app_name = "planning"

urlpatterns = [
    path("", views.index, name="index"),
    path("stages/<slug:step>/", views.edit_stage, name="stage"),
    path("notice/", views.set_notice, name="notice"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:campaign_id>/", views.campaign, name="campaign"),
    path("campaigns/<int:campaign_id>/plan/", views.write_plan, name="plan"),
    path("campaigns/<int:campaign_id>/sign/", views.sign, name="sign"),
    path("campaigns/<int:campaign_id>/holdout/", views.hold_out, name="holdout"),
    path("campaigns/<int:campaign_id>/rate/", views.rate, name="rate"),
]
