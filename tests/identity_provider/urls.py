from django.contrib.auth import views as auth
from django.urls import include, path

from tests.identity_provider import directory

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("directory/people/", directory.person),
    path("directory/clients/", directory.client),
]
