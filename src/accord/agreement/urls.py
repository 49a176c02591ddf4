from django.urls import path

from accord.agreement import views

app_name = "agreement"

urlpatterns = [
    path("", views.agreement, name="index"),
    path("propose/", views.propose, name="propose"),
    path("suggest/", views.suggest, name="suggest"),
    path("<int:number>/", views.version, name="version"),
    path("<int:number>/comment/", views.comment, name="comment"),
    path("<int:number>/sign/", views.sign, name="sign"),
]
