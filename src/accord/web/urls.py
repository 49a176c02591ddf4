from django.urls import path

from accord.web import lists, records, sign_on, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", sign_on.LoginPage.as_view(), name="login"),
    path("login/sso/", sign_on.start, name="sso"),
    path("login/sso/callback/", sign_on.callback, name="sso-callback"),
    path("logout/", sign_on.log_out, name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("health/", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
    path("search/", views.search, name="search"),
    path("people/", lists.people, name="people"),
    path("people/export/", lists.people_export, name="people-export"),
    path("accounts/", lists.accounts, name="accounts"),
    path("accounts/export/", lists.accounts_export, name="accounts-export"),
    path("opportunities/", lists.deals, name="deals"),
    path("opportunities/export/", lists.deals_export, name="deals-export"),
    path("campaigns/", lists.campaign_list, name="campaigns"),
    path("campaigns/export/", lists.campaigns_export, name="campaigns-export"),
    path("people/new/", records.new_person, name="new-person"),
    path("people/<int:pk>/edit/", records.edit_person, name="edit-person"),
    path("accounts/new/", records.new_account, name="new-account"),
    path("accounts/<int:pk>/edit/", records.edit_account, name="edit-account"),
    path("opportunities/new/", records.new_deal, name="new-deal"),
    path("opportunities/<int:pk>/edit/", records.edit_deal, name="edit-deal"),
    path("campaigns/new/", records.new_campaign, name="new-campaign"),
    path("campaigns/<int:pk>/edit/", records.edit_campaign, name="edit-campaign"),
]
