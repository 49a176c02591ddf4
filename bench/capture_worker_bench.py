"""What the worker's side of a capture costs per lead, in process: captures stored as the request
stores them (`do_capture_lead`, not measured), then one batch of them scored, promoted, routed
and alerted (`do_process_captures`), then their alerts sent (`do_send_due`, e-mail to memory).

For each batch size, on a fresh database set up as bench/capture_load.py sets it up (a round
robin of four reps, 500 software companies, an agreement under which one form fill from them is
an MQL), the best of `--repeat` runs: Python CPU ms per lead (this process), the database
backend's CPU ms per lead (PostgreSQL on this machine, read from /proc), statements per lead,
and wall ms per lead. CPU times are the process's own, so other work on a shared machine slows
the wall clock more than them; `--profile` prints the functions that dominate one batch.

    python bench/capture_worker_bench.py --sizes 100 1000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord \
        python bench/capture_worker_bench.py --sizes 100 1000 --profile
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
from functools import partial
from urllib.parse import urlsplit

from capture_load import COMPANIES, DOCUMENT, SETUP, cpu_seconds, fresh_database, lead_body


def setup_database(url: str) -> None:
    """A fresh database beside the one DATABASE_URL names (PostgreSQL: that name with
    `_worker_bench`, made anew), else a SQLite file in a temporary folder."""
    if url.startswith("postgres"):
        url = fresh_database(f"{urlsplit(url).path.lstrip('/') or 'accord'}_worker_bench")
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='accord-worker-bench-')}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("ACCORD_DATA_DIR", tempfile.mkdtemp(prefix="accord-worker-bench-"))
    os.environ["ACCORD_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    exec(SETUP.format(companies=COMPANIES, document=DOCUMENT), {"print": lambda *a: None})


class Leads:
    def __init__(self):
        from accord.teams.models import User

        self.by = User.objects.get(email="marketer@bench.accord")
        self.n = 0

    def capture(self, count: int) -> None:
        from accord.capture.services import do_capture_lead

        for _ in range(count):
            n = self.n
            self.n += 1
            do_capture_lead(
                lead_body(n),
                by=self.by,
            )


def backend_cpu() -> float:
    """The CPU seconds of this connection's PostgreSQL backend so far (0 elsewhere)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cpu_seconds([cursor.fetchone()[0]])


def measured(step, profile: cProfile.Profile | None = None) -> dict:
    from django.db import connection

    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1  # an executemany counts once: one call, one round trip on both
        return execute(sql, params, many, context)

    db_before, cpu_before, wall_before = backend_cpu(), time.process_time(), time.perf_counter()
    with connection.execute_wrapper(count):
        if profile is not None:
            profile.enable()
        done = step()
        if profile is not None:
            profile.disable()
    wall, cpu = time.perf_counter() - wall_before, time.process_time() - cpu_before
    return {"done": done, "cpu": cpu, "db": backend_cpu() - db_before, "wall": wall,
            "statements": statements[0]}  # fmt: skip


def per_lead(runs: list[dict], leads: int) -> dict:
    best = min(runs, key=lambda r: r["cpu"])
    return {
        "Python CPU ms per lead": round(best["cpu"] * 1000 / leads, 3),
        "database CPU ms per lead": round(best["db"] * 1000 / leads, 3),
        "wall ms per lead": round(best["wall"] * 1000 / leads, 3),
        "statements per lead": round(best["statements"] / leads, 3),
        "statements": best["statements"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    setup_database(url)

    from django.core import mail

    from accord.alerts.services import do_send_due
    from accord.capture.batches import do_process_captures

    leads = Leads()
    leads.capture(10)  # the first batch of the process loads the scoring engine
    do_process_captures()
    do_send_due()
    report = {}
    for size in args.sizes:
        batches, sends = [], []
        for run in range(args.repeat):
            leads.capture(size)
            profile = cProfile.Profile() if args.profile and run == 0 else None
            batch = measured(partial(do_process_captures, limit=size), profile)
            assert batch["done"].captures == size, batch["done"]
            batches.append(batch)
            mail.outbox = []
            sending = cProfile.Profile() if args.profile and run == 0 else None
            sends.append(measured(do_send_due, sending))
            assert sends[-1]["done"] == batch["done"].routed, (sends[-1], batch["done"])
            if profile is not None and sending is not None:
                for name, prof in (("batch", profile), ("sending", sending)):
                    print(f"--- {name} of {size}", file=sys.stderr)
                    pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        report[f"batch of {size}"] = per_lead(batches, size)
        report[f"sending its {size} alerts"] = per_lead(sends, size)
    report["database"] = "postgresql" if url.startswith("postgres") else "sqlite"
    report["load average (1, 5, 15 min)"] = [round(n, 1) for n in os.getloadavg()]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
