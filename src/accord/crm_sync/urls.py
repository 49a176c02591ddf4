from django.urls import path

from accord.crm_sync import views

app_name = "crm_sync"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/connect/", views.connect, name="connect"),
    path("<slug:kind>/run/", views.run_now, name="run"),
    path("<slug:kind>/owners/", views.set_owners, name="owners"),
]
