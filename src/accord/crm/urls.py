from django.urls import path

from accord.crm import views

app_name = "crm"

urlpatterns = [
    path("people/<int:pk>/", views.person, name="person"),
    path("accounts/<int:pk>/", views.account, name="account"),
]
