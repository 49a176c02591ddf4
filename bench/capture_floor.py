"""How far any capture endpoint gets on this machine: the load of bench/capture_load.py (same
client, same leads, a fifth resubmitted with their Idempotency-Key, same gunicorn settings as
`accord serve`) against two floors that only record the lead in one INSERT
(bench/capture_floor_apps.py): a bare WSGI function, and the same through Django and
django-ninja. Then Accord's own capture (bench/capture_load.py: the request records the lead and
answers, `accord worker` scores and routes it) in the same run, and the ratios; then Accord again
with an open loop offering `--offered` (80%) of the rate it just reached for `--routed-seconds`
(60), for the time from capture to routed handoff, the duplicates, the leads lost and the alerts.

    python bench/capture_floor.py --seconds 30 --concurrency 4
"""

import argparse
import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from capture_load import (
    Load,
    cpu_seconds,
    database_pids,
    free_port,
    fresh_database,
    machine_busy_seconds,
    percentile,
    wait_until_up,
)

HERE = Path(__file__).resolve().parent
KEY = "capture-floor-key"
TABLE = """
CREATE TABLE floor_lead (
    id bigserial PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    email text NOT NULL,
    body text NOT NULL
)
"""


def serve(app: str, database_url: str, port: int, workers: int, threads: int):
    """gunicorn with the options `accord serve` gives it (accord/web/server.py)."""
    env = {**os.environ, "DATABASE_URL": database_url, "FLOOR_KEY": KEY, "FLOOR_APP": app}
    command = [
        sys.executable, "-m", "gunicorn", "--pythonpath", str(HERE),
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--worker-connections", str(threads), "--keep-alive", "0",
        "--access-logfile", "-", "--timeout", "120", "capture_floor_apps:application",
    ]  # fmt: skip
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    return subprocess.Popen(command, env=env, **quiet)


def read_back(database_url: str, load: Load) -> dict:
    keys = [key for key, _ in load.sent]
    with psycopg.connect(database_url) as db:
        rows = dict(
            db.execute(
                "SELECT idempotency_key, count(*) FROM floor_lead "
                "WHERE idempotency_key = ANY(%s) GROUP BY idempotency_key",
                [keys],
            ).fetchall()
        )
    return {
        "duplicates": sum(max(n - 1, 0) for n in rows.values()),
        "lost": sum(1 for key in load.answered if key not in rows),
    }


def floor(app: str, args) -> dict:
    database_url = fresh_database(f"accord_bench_floor_{app}")
    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute(TABLE)
    port = free_port()
    server = serve(app, database_url, port, args.server_workers, args.server_threads)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", 300)
        load = Load(("127.0.0.1", port), KEY, args.leads, args.seconds, args.duplicates)
        asyncio.run(load.warm_up(2 * args.server_workers * args.server_threads))
        before_db = {pid: cpu_seconds([pid]) for pid in database_pids(database_url)}
        mine = resource.getrusage(resource.RUSAGE_SELF)
        served, busy = cpu_seconds([server.pid]), machine_busy_seconds()
        if args.rate:
            elapsed = asyncio.run(load.run_at(args.rate, args.concurrency))
        else:
            elapsed = asyncio.run(load.run(args.concurrency))
        after = resource.getrusage(resource.RUSAGE_SELF)
        client = after.ru_utime + after.ru_stime - mine.ru_utime - mine.ru_stime
        cpu = {
            "client (this load generator)": client,
            "server (gunicorn)": cpu_seconds([server.pid]) - served,
            "postgresql (this database's backends)": sum(
                cpu_seconds([pid]) - before_db.get(pid, 0) for pid in database_pids(database_url)
            ),
            "whole machine (every process, all cores)": machine_busy_seconds() - busy,
        }
        found = read_back(database_url, load)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return {
        "answered 2xx": load.ok,
        "failed": load.failed,
        "new leads": len(load.sent),
        "seconds": round(elapsed, 1),
        "captures per second (2xx)": round(load.ok / elapsed, 1),
        "p50 ms": round(percentile(load.latencies, 50) * 1000, 1),
        "p99 ms": round(percentile(load.latencies, 99) * 1000, 1),
        "duplicates in the database": found["duplicates"],
        "leads lost": found["lost"],
        "CPU seconds during the run": {name: round(value, 1) for name, value in cpu.items()},
        "whole machine CPU ms per 2xx answer": round(
            cpu["whole machine (every process, all cores)"] * 1000 / max(load.ok, 1), 2
        ),
    }


def accord(args, rate: float | None = None, seconds: float | None = None) -> dict:
    rate = rate or args.rate
    command = [
        sys.executable, str(HERE / "capture_load.py"), "--leads", str(args.leads),
        "--seconds", str(seconds or args.seconds), "--concurrency", str(args.concurrency),
        "--duplicates", str(args.duplicates), "--server-workers", str(args.server_workers),
        "--server-threads", str(args.server_threads),
        *(["--rate", str(rate)] if rate else []),
    ]  # fmt: skip
    report = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
    whole = report["CPU seconds during the run"]["whole machine (every process, all cores)"]
    return {
        "answered 2xx": report["answered 2xx"],
        "failed": report["failed"],
        "new leads": report["new leads"],
        "seconds": report["seconds"],
        "captures per second (2xx)": report["captures per second (2xx)"],
        "p50 ms": report["p50 ms to the answer"],
        "p99 ms": report["p99 ms to the answer"],
        "p50 ms from capture to routed": report["p50 ms from capture to routed"],
        "p99 ms from capture to routed": report["p99 ms from capture to routed"],
        "new leads not routed": report["new leads not routed"],
        "duplicates in the database": report["duplicates in the database"],
        "leads lost": report["leads lost"],
        "alert deliveries by status": report["alert deliveries by status"],
        "seconds after the last routing until every alert was sent": report[
            "seconds after the last routing until every alert was sent"
        ],
        "CPU seconds during the run": report["CPU seconds during the run"],
        "whole machine CPU ms per 2xx answer": round(
            whole * 1000 / max(report["answered 2xx"], 1), 2
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=100_000, help="new leads to send at most")
    parser.add_argument("--seconds", type=float, default=30, help="stop sending after this")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument("--rate", type=float, help="open loop: requests per second offered")
    parser.add_argument("--duplicates", type=float, default=0.2, help="share of resubmissions")
    parser.add_argument("--server-workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--server-threads", type=int, default=1, help="threads per worker")
    parser.add_argument(
        "--offered", type=float, default=0.8, help="share of Accord's rate offered after"
    )
    parser.add_argument("--routed-seconds", type=float, default=60, help="the offered run's length")
    args = parser.parse_args()

    runs = {}
    accord_name = "Accord: recorded, then scored and routed by the worker"
    for name, run in (
        ("bare WSGI, one INSERT", lambda: floor("bare", args)),
        ("Django + django-ninja, one INSERT", lambda: floor("django", args)),
        (accord_name, lambda: accord(args)),
    ):
        runs[name] = run()
        print(f"{name}: {json.dumps(runs[name])}", file=sys.stderr, flush=True)
        time.sleep(2)
    accord_rate = runs[accord_name]["captures per second (2xx)"]
    ratios = {
        f"Accord / {name}, captures per second": round(
            accord_rate / run["captures per second (2xx)"], 3
        )
        for name, run in runs.items()
        if name != accord_name
    }
    offered = round(args.offered * accord_rate, 1)
    routed = accord(args, rate=offered, seconds=args.routed_seconds)
    routed["offered requests per second (open loop)"] = offered
    report = {
        "runs": runs,
        "ratios": ratios,
        f"Accord at {args.offered:.0%} of its rate": routed,
        "load average (1, 5, 15 min) at the end": [round(n, 1) for n in os.getloadavg()],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
