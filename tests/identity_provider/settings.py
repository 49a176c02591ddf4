"""Settings of the company's identity provider the sign-on tests log in through: Django OAuth
Toolkit with OpenID Connect on, ID tokens signed RS256 with a key made at start, PKCE required,
and RP-initiated logout that goes back to the client without asking when the ID token names the
person (OpenID Connect RP-Initiated Logout 1.0, 2)."""

import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = os.environ["IDP_ISSUER"]  # http://127.0.0.1:<port>/o, the port bound before start
DIRECTORY_TOKEN = os.environ["IDP_DIRECTORY_TOKEN"]  # the tests' key to add people and clients

SECRET_KEY = os.environ["IDP_DIRECTORY_TOKEN"] + "-sessions"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.identity_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "APP_DIRS": True,
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["IDP_DATABASE"],
        # a throwaway file: waiting for the disk at each of the migrations' writes cost half a
        # minute on a busy machine
        "OPTIONS": {"init_command": "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
LOGIN_URL = "/login/"
SESSION_COOKIE_NAME = "idp_session"  # Accord's own is "sessionid": both live on 127.0.0.1
CSRF_COOKIE_NAME = "idp_csrftoken"
# People are added for each test: a slow password hash would only slow the suite
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": rsa.generate_private_key(public_exponent=65537, key_size=2048)
    .private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    .decode(),
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "Sign in",
        "email": "Your e-mail address",
        "profile": "Your name and groups",
    },
    "OAUTH2_VALIDATOR_CLASS": "tests.identity_provider.directory.DirectoryClaims",
}
