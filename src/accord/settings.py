"""The one settings module. Every value that differs between machines comes from the environment."""

import datetime as dt
from pathlib import Path

from accord.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_currency,
    env_database,
    env_email_url,
    env_int,
    env_list,
    env_sign_on,
    env_str,
    env_time_zone,
    load_env_file,
    secret_key_file,
)
from accord.logs import logging_config

load_env_file()  # before any setting is read
PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("ACCORD_DATA_DIR", str(Path.cwd() / "data")))

DEBUG = env_bool("ACCORD_DEBUG", False)
SECRET_KEY = env_str("ACCORD_SECRET_KEY") or secret_key_file(DATA_DIR / "secret_key")
if len(SECRET_KEY) < 50:
    raise ConfigError("ACCORD_SECRET_KEY is too short: use at least 50 random characters")

ALLOWED_HOSTS = env_list("ACCORD_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("ACCORD_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # the trigram indexes (accord.crm.trigram); nothing on SQLite
    "ninja",  # the API docs' Swagger UI assets, served locally
    "django_tasks",
    "django_tasks_db",
    "accord.teams",
    "accord.crm",
    "accord.touchpoints",
    "accord.handoff",
    "accord.alerts",
    "accord.agreement",
    "accord.imports",
    "accord.crm_sync",
    "accord.demo",
    "accord.web",
    "accord.journeys",
    "accord.experiments",
    "accord.capture",
    "accord.metrics",
    "accord.planning",
    "accord.alignment",
    "accord.goals",
    "accord.audit",
    "accord.mail",
    "axes",
    "accord.mindset",
]

MIDDLEWARE = [
    "accord.telemetry.metrics_middleware",  # first, so it times everything below
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accord.audit.middleware.request_id_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accord.imports.middleware.upload_limit_middleware",
    "accord.web.middleware.refuse_nul_middleware",
    "accord.web.submissions.submitted_once_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "accord.urls"
WSGI_APPLICATION = "accord.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accord.web.context.navigation",
            ],
            # money with its currency and codes by their labels, on every page (accord.filters)
            "builtins": ["accord.filters"],
        },
    },
]
FORM_RENDERER = "accord.web.rendering.AccordForms"  # every form as one template draws it

DATABASES = {"default": env_database("DATABASE_URL", DATA_DIR / "accord.sqlite3")}
# Signs each backup's manifest; a restore then takes only a backup signed with the same key.
BACKUP_KEY = env_str("ACCORD_BACKUP_KEY")
if BACKUP_KEY is not None and len(BACKUP_KEY) < 32:
    raise ConfigError("ACCORD_BACKUP_KEY is too short: use at least 32 random characters")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# /healthz?deep=1 fails when the worker's heartbeat (every 10 s) or the oldest queued job is older:
# a long import holds the heartbeat, so a company importing large files raises it.
WORKER_STALE_SECONDS = env_int("ACCORD_WORKER_STALE_SECONDS", 300)
if WORKER_STALE_SECONDS < 30:
    raise ConfigError("ACCORD_WORKER_STALE_SECONDS is too short: use at least 30 seconds")
# Background jobs (alerts, the SLA breach sweep) queue in the database; `accord worker` runs them.
# The dashboard's work-outs and the CRM syncs have a queue each, which `accord worker` runs
# beside the other: reading every touch of a large database, or a CRM's hundred thousand
# contacts, must not hold up alerts and imports.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "dashboard", "sync"],
    }
}
# In the database, so every server process and the worker share what was worked out (the
# dashboard's attribution credit, agreement backtests) and it outlives a restart.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "accord_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

AUTH_USER_MODEL = "teams.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_time_zone("ACCORD_TIME_ZONE", "UTC")
# Every money figure (won revenue, ROI, attribution, goals, payouts) is shown in this currency.
REPORTING_CURRENCY = env_currency("ACCORD_REPORTING_CURRENCY", "USD")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# the container image collects them at build, outside the data volume (ACCORD_STATIC_ROOT)
STATIC_ROOT = Path(env_str("ACCORD_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("ACCORD_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# TLS usually ends at the reverse proxy in front of gunicorn; set these for Accord to redirect.
SECURE_SSL_REDIRECT = env_bool("ACCORD_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("ACCORD_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("ACCORD_HSTS_SECONDS", 31_536_000)  # sent on HTTPS responses only
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ACCORD_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("ACCORD_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Login throttling: after ACCORD_LOGIN_FAILURE_LIMIT failed log-ins for one e-mail from one
# address, that pair waits ACCORD_LOGIN_COOLOFF_MINUTES (the app's and the admin's log-in alike).
AUTHENTICATION_BACKENDS = [
    "accord.audit.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accord.teams.sign_on.SignOnBackend",  # sessions single sign-on opened; checks no password
]
# Single sign-on through the company's OpenID Connect provider (accord.web.sign_on); passwords
# can then be switched off, on the log-in page, the admin's and every other path alike.
SIGN_ON = env_sign_on()
PASSWORD_LOGIN = env_bool("ACCORD_PASSWORD_LOGIN", True)
if not PASSWORD_LOGIN:
    if SIGN_ON is None:
        raise ConfigError("ACCORD_PASSWORD_LOGIN=false needs single sign-on (ACCORD_OIDC_ISSUER)")
    AUTHENTICATION_BACKENDS = AUTHENTICATION_BACKENDS[-1:]
AXES_FAILURE_LIMIT = env_int("ACCORD_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("ACCORD_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the log-in forms' field, which holds the e-mail
AXES_USERNAME_CALLABLE = "accord.audit.throttle.login_email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accord.audit.throttle.locked_out"
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("ACCORD_PROXY_SSL_HEADER", False) else 0
AXES_VERBOSE = False

# Content Security Policy: scripts only from Accord itself (htmx runs without eval); inline
# styles are allowed for the server-drawn charts' widths.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# /metrics answers whoever sends it as a Bearer token; unset, only clients on this machine.
METRICS_TOKEN = env_str("ACCORD_METRICS_TOKEN")
if METRICS_TOKEN is not None and len(METRICS_TOKEN) < 32:
    raise ConfigError("ACCORD_METRICS_TOKEN is too short: use at least 32 random characters")

if SIGN_ON is not None:  # logging out goes on to the provider's, a redirect of the page's form
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(SIGN_ON["origin"])

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("ACCORD_MAX_BODY_BYTES", 2_621_440)
IMPORT_MAX_BYTES = env_int("ACCORD_MAX_IMPORT_BYTES", 104_857_600)

# Outgoing mail: ACCORD_EMAIL_URL, or the older host and port (no login, no TLS), never both.
_MAIL = env_email_url("ACCORD_EMAIL_URL")
_MAIL_HOST_SET = bool(env_str("ACCORD_EMAIL_HOST") or env_str("ACCORD_EMAIL_PORT"))
if _MAIL is not None and _MAIL_HOST_SET:
    raise ConfigError(
        "ACCORD_EMAIL_URL and ACCORD_EMAIL_HOST/ACCORD_EMAIL_PORT are both set: keep only the URL"
    )
# With no mail server named, mail is kept in Accord's outbox for admins to read on /mail/.
EMAIL_BACKEND = env_str(
    "ACCORD_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if _MAIL is not None or _MAIL_HOST_SET
    else "accord.mail.backend.OutboxBackend",
)
_MAIL = _MAIL or {
    "EMAIL_HOST": env_str("ACCORD_EMAIL_HOST", "localhost"),
    "EMAIL_PORT": env_int("ACCORD_EMAIL_PORT", 25),
}
EMAIL_HOST = _MAIL["EMAIL_HOST"]
EMAIL_PORT = _MAIL["EMAIL_PORT"]
EMAIL_HOST_USER = _MAIL.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _MAIL.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _MAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _MAIL.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30  # seconds; a mail server that stops answering must not hold the worker
DEFAULT_FROM_EMAIL = env_str("ACCORD_FROM_EMAIL", "accord@localhost")

LOGGING = logging_config(
    env_choice("ACCORD_LOG_FORMAT", "text", ["text", "json"]),
    env_choice("ACCORD_LOG_LEVEL", "WARNING", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
)
