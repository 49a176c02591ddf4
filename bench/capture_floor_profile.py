"""What one `POST /api/v1/leads` costs in CPU, in process: the load of bench/capture_load.py
(same leads, a fifth resubmitted with their Idempotency-Key) sent straight to Accord's WSGI
application, one after another, without a server or a client, on a fresh PostgreSQL database set
up as the load bench sets it up. The worker does not run: only the request is measured.

Reported per request: the Python process's CPU (time.process_time), the database backend's CPU
(from /proc), the wall time, and the statements sent. CPU in process varies far less with the
machine's load than a throughput does, so it compares two commits on a shared machine; with
`--profile N` the N costliest functions (cProfile, cumulative) follow.

    python bench/capture_floor_profile.py --leads 2000
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time

from capture_load import ACCORD, DOCUMENT, SETUP, Load, cpu_seconds, fresh_database


def prepare(database: str) -> tuple[str, str]:
    """A fresh database, migrated and set up as capture_load.py does; its URL and the key."""
    database_url = fresh_database(database)
    os.environ.update(
        DATABASE_URL=database_url,
        ACCORD_DATA_DIR=tempfile.mkdtemp(prefix="accord-capture-profile-"),
        ACCORD_SECURE_COOKIES="false",
        ACCORD_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    subprocess.run([*ACCORD, "manage", "migrate", "-v0"], check=True)
    setup = SETUP.format(companies=500, document=DOCUMENT)
    shell = [*ACCORD, "manage", "shell", "-c", setup]
    key = subprocess.run(shell, check=True, capture_output=True, text=True).stdout.split()[-1]
    return database_url, key


def environ_for(key: str, idempotency_key: str, body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/leads",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Bearer {key}",
        "HTTP_IDEMPOTENCY_KEY": idempotency_key,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=2000, help="new leads to send")
    parser.add_argument("--duplicates", type=float, default=0.2, help="share of resubmissions")
    parser.add_argument("--profile", type=int, default=0, help="show the N costliest functions")
    parser.add_argument("--database", default="accord_bench_capture_profile")
    args = parser.parse_args()

    database_url, key = prepare(args.database)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    import logging

    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    connection.settings_dict["CONN_MAX_AGE"] = None  # one backend throughout, to measure
    logging.disable(logging.INFO)  # the access log line is the server's, not the request's
    application = get_wsgi_application()
    statuses: dict[str, int] = {}

    def send(idempotency_key: str, body: dict) -> dict:
        def start_response(status, headers):
            statuses[status] = statuses.get(status, 0) + 1

        environ = environ_for(key, idempotency_key, json.dumps(body).encode())
        return json.loads(b"".join(application(environ, start_response)))

    load = Load(("127.0.0.1", 0), key, args.leads, 0, args.duplicates)
    for n in range(8):  # the first requests import and read settings: not counted
        send(f"warm-up-{n}", {"email": f"warm-up-{n}@gmail.com"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    profile = cProfile.Profile(time.process_time) if args.profile else None
    requests = 0
    backend_before, started = cpu_seconds([backend]), time.perf_counter()
    cpu_before = time.process_time()
    if profile:
        profile.enable()
    with connection.execute_wrapper(count):
        while (request := load.next_request()) is not None:
            idempotency_key, body, again = request
            answer = send(idempotency_key, body)
            requests += 1
            if not again:
                load.done.append((idempotency_key, body))
                load.answered.setdefault(idempotency_key, answer)
    if profile:
        profile.disable()
    cpu = time.process_time() - cpu_before
    wall = time.perf_counter() - started
    database_cpu = cpu_seconds([backend]) - backend_before
    report = {
        "requests": requests,
        "new leads": len(load.sent),
        "answers by status": statuses,
        "Python CPU ms per request": round(cpu * 1000 / requests, 2),
        "database backend CPU ms per request": round(database_cpu * 1000 / requests, 2),
        "wall ms per request": round(wall * 1000 / requests, 2),
        "statements per request": round(statements / requests, 2),
        "profiled": bool(profile),
        "load average (1, 5, 15 min)": [round(n, 1) for n in os.getloadavg()],
    }
    print(json.dumps(report, indent=2))
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.profile)
        print(out.getvalue(), file=sys.stderr)


if __name__ == "__main__":
    main()
