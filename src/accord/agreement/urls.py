from django.urls import path

from accord.agreement import views

app_name = "agreement"

urlpatterns = [
    path("", views.agreement, name="index"),
    path("propose/", views.propose, name="propose"),
    path("propose/json/", views.propose_json, name="propose_json"),
    path("editor/preview/", views.preview, name="preview"),
    path("editor/backtest/", views.preview_backtest, name="preview_backtest"),
    path("suggest/", views.suggest, name="suggest"),
    path("<int:number>/", views.version, name="version"),
    path("<int:number>/comment/", views.comment, name="comment"),
    path("<int:number>/sign/", views.sign, name="sign"),
    path("<int:number>/edit/", views.edit, name="edit"),
]
