"""The least a capture endpoint can do, served by gunicorn as `accord serve` serves Accord, for
bench/capture_floor.py: check the bearer key, read the JSON body, and record the lead in one
`INSERT ... ON CONFLICT DO NOTHING` keyed by its Idempotency-Key (a resubmission reads the first
row back), then answer with the row's id. No person, score, routing or alert.

- `bare`: a WSGI function over one psycopg connection per process.
- `django`: the same through Django (no middleware beyond the common one) and a django-ninja
  endpoint with a pydantic schema, writing with Django's database connection.
"""

import json
import os

DATABASE_URL = os.environ.get("DATABASE_URL", "")
KEY = os.environ.get("FLOOR_KEY", "")
RECORD = (
    "INSERT INTO floor_lead (idempotency_key, email, body) VALUES (%s, %s, %s) "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
)
FIRST = "SELECT id FROM floor_lead WHERE idempotency_key = %s"


def record(cursor, key: str, email: str, body: str) -> int:
    cursor.execute(RECORD, [key, email, body])
    row = cursor.fetchone()
    if row is None:
        cursor.execute(FIRST, [key])
        row = cursor.fetchone()
    return row[0]


def answer(lead_id: int) -> bytes:
    return json.dumps({"person_id": lead_id, "handoff_id": lead_id}).encode()


_connection = None


def bare(environ, start_response):
    global _connection
    if environ["PATH_INFO"] == "/healthz":
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]
    if environ.get("HTTP_AUTHORIZATION") != f"Bearer {KEY}":
        start_response("401 Unauthorized", [("Content-Length", "0")])
        return [b""]
    if environ["REQUEST_METHOD"] != "POST":
        start_response("405 Method Not Allowed", [("Content-Length", "0")])
        return [b""]
    raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    email = json.loads(raw)["email"].strip().lower()
    if _connection is None:
        import psycopg

        _connection = psycopg.connect(DATABASE_URL, autocommit=True)
    with _connection.cursor() as cursor:
        lead_id = record(cursor, environ.get("HTTP_IDEMPOTENCY_KEY", ""), email, raw.decode())
    data = answer(lead_id)
    start_response(
        "201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


def django_application():
    import dj_database_url
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="capture-floor",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
        INSTALLED_APPS=[],
        DATABASES={
            "default": dj_database_url.parse(
                DATABASE_URL,
                conn_max_age=60,
                conn_health_checks=True,  # as Accord's settings
            )
        },
    )
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    global urlpatterns
    urlpatterns = api_urls()
    return application


def api_urls():
    from django.db import connection
    from django.http import HttpResponse
    from django.urls import path
    from ninja import NinjaAPI, Schema
    from ninja.security import HttpBearer

    class CaptureKey(HttpBearer):
        def authenticate(self, request, token):
            return token == KEY

    class Lead(Schema):
        email: str
        first_name: str = ""
        last_name: str = ""
        utm_source: str = ""
        utm_medium: str = ""
        utm_campaign: str = ""
        page: str = ""
        form_name: str = ""

    api = NinjaAPI(urls_namespace="floor")

    @api.post("/leads", auth=CaptureKey(), response={201: dict})
    def capture(request, lead: Lead):
        key = request.headers.get("Idempotency-Key", "")
        with connection.cursor() as cursor:
            lead_id = record(cursor, key, lead.email.strip().lower(), request.body.decode())
        return 201, {"person_id": lead_id, "handoff_id": lead_id}

    return [path("api/v1/", api.urls), path("healthz", lambda request: HttpResponse("ok"))]


application = django_application() if os.environ.get("FLOOR_APP") == "django" else bare
