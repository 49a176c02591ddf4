"""What this process counts and times for `/metrics` (Prometheus): the requests it answered by
route, method and status, how long they and their database queries took, and the captures it
carried out. What the database knows (queue, breaches, deliveries, imports) is read at scrape
time instead, so the worker's work counts whichever process did it.

Under `accord serve` each gunicorn worker is its own process: `accord serve` points
PROMETHEUS_MULTIPROC_DIR at a fresh folder before anything imports prometheus_client, each
process writes its figures there, and `/metrics` adds them up."""

import time

from django.db import connection
from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "accord_http_requests",
    "Requests answered, by route (the URL pattern, not the path), method and status",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "accord_http_request_duration_seconds",
    "Time from the request reaching Accord to its answer, by route and method",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUERY_SECONDS = Histogram(
    "accord_db_query_duration_seconds",
    "Time each database query made while answering a request took",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)
CAPTURES = Counter(
    "accord_captures_received",
    "Capture submissions carried out, by endpoint (a retry answered from an earlier one is not)",
    ["endpoint"],
)
# any other verb is counted as "other", so a scanner cannot add a series per made-up method
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def metrics_middleware(get_response):
    def middleware(request):
        started = time.perf_counter()
        with connection.execute_wrapper(_timed_query):
            response = get_response(request)
        match = request.resolver_match
        route = f"/{match.route}" if match is not None else "unmatched"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(route, method).observe(time.perf_counter() - started)
        return response

    return middleware


def _timed_query(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        QUERY_SECONDS.observe(time.perf_counter() - started)


def record_capture(endpoint: str) -> None:
    CAPTURES.labels(endpoint).inc()
