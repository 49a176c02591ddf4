"""The record pages' addresses. They keep the names `crm:person` and `crm:account` that every
page links them by."""

from django.urls import path

from accord.web import record_pages

app_name = "crm"

urlpatterns = [
    path("people/<int:pk>/", record_pages.person, name="person"),
    path("accounts/<int:pk>/", record_pages.account, name="account"),
]
