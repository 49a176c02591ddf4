"""Each request has an id (the proxy's, when sane): it comes back in X-Request-ID, it is on the
request's log line (JSON with ACCORD_LOG_FORMAT=json), and it follows the jobs the request queued
into the worker's log lines."""

import json
import logging.config
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from accord.imports.tests.test_import_page import CONTACTS
from accord.logs import logging_config


@pytest.fixture
def json_logs(settings):
    """Accord's logging as ACCORD_LOG_FORMAT=json and ACCORD_LOG_LEVEL=INFO set it up, written to
    a buffer; returns the lines written since the last call."""
    yield from _buffered_logs(settings, "INFO")


@pytest.fixture
def warning_logs(settings):
    """The same at the default level, ACCORD_LOG_LEVEL=WARNING."""
    yield from _buffered_logs(settings, "WARNING")


def _buffered_logs(settings, level):
    logging.config.dictConfig(logging_config("json", level))
    [console] = logging.getLogger().handlers
    buffer = StringIO()
    console.setStream(buffer)

    def lines():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return [json.loads(line) for line in text.splitlines()]

    yield lines
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
def test_a_sane_request_id_from_the_proxy_comes_back_and_is_logged(client, json_logs):
    answer = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.01"})

    assert answer["X-Request-ID"] == "edge-7f3a.01"
    [line] = [line for line in json_logs() if line["logger"] == "accord.requests"]
    assert line["request_id"] == "edge-7f3a.01"
    assert line["path"] == "/healthz" and line["status"] == 200 and line["level"] == "INFO"
    assert line["message"] == "GET /healthz 200"
    assert isinstance(line["duration_ms"], int) and line["time"].endswith("+00:00")
    assert line["user_id"] is None


@pytest.mark.django_db
def test_at_the_warning_level_only_requests_that_failed_are_logged(client, warning_logs):
    assert client.get("/healthz").status_code == 200
    assert warning_logs() == []

    failing = client.get("/healthz", {"deep": "1"})  # no worker has run: 503

    assert failing.status_code == 503
    [line] = [line for line in warning_logs() if line["logger"] == "accord.requests"]
    assert line["level"] == "ERROR" and line["message"] == "GET /healthz 503"
    assert line["request_id"] == failing["X-Request-ID"]


@pytest.mark.django_db
def test_a_request_id_that_is_not_a_token_is_replaced(client, json_logs):
    answer = client.get("/healthz", headers={"X-Request-ID": 'a b"<script>'})

    given = answer["X-Request-ID"]
    assert len(given) == 32 and given != 'a b"<script>'
    assert [line["request_id"] for line in json_logs()] == [given]


@pytest.mark.django_db(transaction=True)
def test_the_job_a_request_queued_logs_under_its_request_id(
    api_as, sales_head, json_logs, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    api = api_as(sales_head)
    file = SimpleUploadedFile("contacts.csv", CONTACTS, "text/csv")
    headers = {**api.headers, "X-Request-ID": "upload-42"}
    answer = api.client.post("/api/v1/imports", {"file": file}, headers=headers)
    assert answer.status_code == 202
    logged_in = [line for line in json_logs() if line["logger"] == "accord.requests"]
    assert logged_in[-1]["user_id"] == sales_head.pk

    call_command("worker", "--once", stdout=StringIO())
    lines = json_logs()

    job = DBTaskResult.objects.get(task_path="accord.imports.runs.tasks.run_import")
    assert job.status == "SUCCESSFUL"
    started = [line for line in lines if str(job.id) in line["message"]]
    assert started and {line["request_id"] for line in started} == {"upload-42"}
    sweeps = [line for line in lines if "mark_breaches" in line["message"]]
    assert sweeps and all(
        line["request_id"] is None for line in sweeps
    )  # the worker's own jobs have none
