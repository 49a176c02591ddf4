"""Lead capture under load: POST /api/v1/leads against the running server, on PostgreSQL, with
`accord worker` running, and a fifth of the requests resubmitted with the same Idempotency-Key.

A fresh database is made and migrated; a sales team of four reps with a round-robin rule, an
agreement under which one form fill from a mid-sized software company is an MQL, and 500 such
companies are set up; then `accord serve` (gunicorn) listens on a free loopback port and
`accord worker` runs beside it, and every server process is warmed up (a GET, and a lead at a
free-mail address that is not the run's and qualifies for nothing). The load generator is a
small asyncio client on keep-alive connections (each lead's request built once), holding
`--concurrency` requests in flight; or, with `--rate`, sending requests at that rate whatever
the pace of the answers (an open loop, at most `--concurrency` in flight, each latency counted
from when its request was due). It stops after `--leads` new leads or `--seconds`, whichever
comes first; then the database is read back:

- requests tried, answered 2xx, failed;
- sustained capture rate (answered requests per second over the run);
- p50 / p99 latency from sending a new lead to its answer (`"status": "received"`: the lead is
  recorded; the worker scores and routes it);
- capture to routed: p50 / p99 from each new lead's capture being stored to the worker's batch
  routing it (the capture's `received_at` to its `processed_at`, both stamped by the database's
  clients on this machine), once the worker has routed every capture of the run;
- duplicates in the database (people or touchpoints beyond one per new lead): must be 0;
- leads lost (a 2xx answer but no person, touchpoint or handoff in the database): must be 0;
- alerts: routed leads whose rep e-mail the worker had sent, read once the outbox is empty (or
  two minutes after the last routing), and how long after the last routing it emptied;
- CPU seconds during the run of the client, the server, the worker, this database's
  PostgreSQL backends and the whole machine (others' work included), and the load average.

    python bench/capture_load.py --leads 5000 --seconds 60
"""

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

ACCORD = [sys.executable, "-m", "accord"]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
COMPANIES = 500

SETUP = """
from accord.agreement.services import do_create_draft, do_sign
from accord.crm.models import Account
from accord.handoff.models import RoutingMember, RoutingRule
from accord.teams.models import ApiToken, Team, User
from accord.teams.tokens import do_create_token

sales = Team.objects.get_or_create(kind=Team.Kind.SALES, defaults={{"name": "Sales"}})[0]
marketing = Team.objects.get_or_create(
    kind=Team.Kind.MARKETING, defaults={{"name": "Marketing"}}
)[0]
heads = [
    User.objects.create_user("sales.head@bench.accord", team=sales, role=User.Role.HEAD),
    User.objects.create_user("marketing.head@bench.accord", team=marketing, role=User.Role.HEAD),
]
marketer = User.objects.create_user(
    "marketer@bench.accord", team=marketing, role=User.Role.MARKETER
)
rule = RoutingRule.objects.create(position=10, kind=RoutingRule.Kind.ROUND_ROBIN, team=sales)
for n in range(1, 5):
    rep = User.objects.create_user(f"rep{{n}}@bench.accord", team=sales, role=User.Role.REP)
    RoutingMember.objects.create(rule=rule, user=rep)
Account.objects.bulk_create(
    Account(name=f"Company {{n}}", domain=f"company{{n}}.example", industry="Software",
            employee_count=250, region="EMEA")
    for n in range({companies})
)
version = do_create_draft(marketer, {document!r})
do_sign(version, heads[1])
do_sign(version, heads[0])
print(do_create_token(marketer, "load bench", ApiToken.Scope.CAPTURE)[1])
"""

# One form fill from a software company of a few hundred people makes an MQL under this.
DOCUMENT = {
    "fit_rules": [
        {"name": "Software company", "field": "industry", "in": ["Software"], "points": 40},
        {"name": "Mid-market", "field": "employee_count", "min": 100, "max": 5000, "points": 20},
    ],
    "grades": [
        {"grade": "A", "min": 60},
        {"grade": "B", "min": 40, "max": 59},
        {"grade": "C", "min": 20, "max": 39},
        {"grade": "D", "max": 19},
    ],
    "buying_power": {"required": "none"},
    "engagement": {"half_life_days": 30, "kinds": {"form_fill": {"points": 20, "cap": 40}}},
    "threshold": {"min_total": 75, "min_grade": "B"},
    "sla": {"mqls_per_month": 50, "first_touch_working_hours": 4, "accept_within_working_days": 2},
}


def fresh_database(name: str) -> str:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")


def lead_body(n: int) -> dict:
    """The n-th new lead the load sends: a demo request from one of COMPANIES companies."""
    return {
        "email": f"lead{n}@company{n % COMPANIES}.example",
        "first_name": "Lee",
        "last_name": f"Load{n}",
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "load",
        "page": "https://www.example.com/demo",
        "form_name": "Book a demo",
    }


class Load:
    """The requests of one run and their answers."""

    def __init__(
        self, address: tuple[str, int], key: str, leads: int, seconds: float, duplicates: float
    ):
        self.address, self.key = address, key
        self.host = f"{address[0]}:{address[1]}"
        self.built: dict[str, bytes] = {}  # Idempotency-Key -> the request's bytes
        self.leads, self.seconds, self.duplicates = leads, seconds, duplicates
        self.sent: list[tuple[str, dict]] = []  # new leads: (Idempotency-Key, body)
        self.done: list[tuple[str, dict]] = []  # new leads answered 2xx
        self.latencies: list[float] = []  # seconds, new leads to their answer
        self.answered: dict[str, dict] = {}  # Idempotency-Key -> first 2xx answer
        self.tried = self.ok = self.failed = self.resubmitted = 0
        self.mismatched = 0  # a resubmission answered with another person than the first
        self.rng = random.Random(7)

    def next_request(self) -> tuple[str, dict, bool] | None:
        if self.done and self.rng.random() < self.duplicates:
            key, body = self.rng.choice(self.done)  # a retry of a lead already answered
            return key, body, True
        if len(self.sent) >= self.leads:
            return None
        n = len(self.sent)
        key = f"bench-{n}"
        body = lead_body(n)
        self.sent.append((key, body))
        return key, body, False

    def request_bytes(self, key: str, body: dict) -> bytes:
        """The whole HTTP/1.1 request, built once per lead and sent again as is when resubmitted."""
        data = json.dumps(body).encode()
        head = (
            f"POST /api/v1/leads HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Authorization: Bearer {self.key}\r\nIdempotency-Key: {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        )
        return head.encode() + data

    async def one(
        self, connection: "Connection", key: str, body: dict, again: bool, due: float | None = None
    ) -> None:
        """One request; its latency counts from `due` when given (the open loop's schedule)."""
        self.tried += 1
        self.resubmitted += again
        request = self.built.get(key)
        if request is None:
            request = self.built[key] = self.request_bytes(key, body)
        started = time.perf_counter() if due is None else due
        try:
            status, payload = await connection.send(request)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            self.failed += 1
            return
        took = time.perf_counter() - started
        if status not in (200, 201):
            self.failed += 1
            return
        self.ok += 1
        data = json.loads(payload)
        first = self.answered.setdefault(key, data)
        if first["person_id"] != data["person_id"]:
            self.mismatched += 1
        if not again:
            self.done.append((key, body))
            self.latencies.append(took)

    async def warm_up(self, connections: int, rounds: int = 4) -> None:
        """Requests that load every server process's URLs and API (the first request of a
        process imports them, seconds of CPU) and run its first capture (Polars' first query of
        a process costs a few hundred ms): a GET on the capture URL, which answers 405, and a
        lead at a free-mail address, which is no MQL, so nothing is routed or alerted. These
        leads are not the run's: nothing below counts them."""
        get = (
            f"GET /api/v1/leads HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Authorization: Bearer {self.key}\r\n\r\n"
        ).encode()

        async def user(n: int):
            for round_ in range(rounds):  # a new connection each time, for any process to take
                body = {"email": f"warm-up-{n}-{round_}@gmail.com"}
                for request in (get, self.request_bytes(f"warm-up-{n}-{round_}", body)):
                    connection = Connection(self.address)
                    try:
                        await connection.send(request)
                    finally:
                        connection.close()

        await asyncio.gather(*(user(n) for n in range(connections)))

    async def run(self, concurrency: int) -> float:
        started = time.perf_counter()
        deadline = started + self.seconds

        async def user():
            connection = Connection(self.address)
            try:
                while time.perf_counter() < deadline:
                    request = self.next_request()
                    if request is None:
                        return
                    await self.one(connection, *request)
            finally:
                connection.close()

        await asyncio.gather(*(user() for _ in range(concurrency)))
        return time.perf_counter() - started

    async def run_at(self, rate: float, most_in_flight: int) -> float:
        """Open loop: requests arrive at `rate` per second on average (Poisson arrivals, seeded)
        whatever the pace of the answers, at most `most_in_flight` at once. Each latency counts
        from when its request was due, so a server falling behind shows in the latencies rather
        than slowing the arrivals. Nothing is sent once `seconds` have gone by: against a server
        that falls behind, the requests tried fall short of the rate times the seconds."""
        arrivals = random.Random(11)
        started = time.perf_counter()
        deadline = started + self.seconds
        idle = [Connection(self.address) for _ in range(most_in_flight)]
        slots = asyncio.Semaphore(most_in_flight)
        running = set()

        async def send(connection, request, due):
            try:
                await self.one(connection, *request, due=due)
            finally:
                idle.append(connection)
                slots.release()

        due = started
        while due < deadline and time.perf_counter() < deadline:
            if (request := self.next_request()) is None:
                break
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            await slots.acquire()
            task = asyncio.create_task(send(idle.pop(), request, due))
            running.add(task)
            task.add_done_callback(running.discard)
            due += arrivals.expovariate(rate)
        await asyncio.gather(*running)
        for connection in idle:
            connection.close()
        return time.perf_counter() - started


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, reopened when the server closes it.

    A few lines of asyncio streams instead of a general HTTP client: the load generator shares
    the two cores with the server, PostgreSQL and the worker, so its own CPU per request is kept
    small (and measured, see `cpu_seconds`)."""

    def __init__(self, address: tuple[str, int]):
        self.address = address
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(*self.address)
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection") == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes and all their descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, list(pids)
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += int(stats[pid][11]) + int(stats[pid][12])
            todo.extend(children.get(pid, []))
    return total / tick


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine spent busy since boot (/proc/stat), for everybody."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def database_pids(database_url: str) -> list[int]:
    with psycopg.connect(database_url) as db:
        rows = db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows]


def read_back(database_url: str, load: Load) -> dict:
    """What the database holds for the leads the run sent."""
    emails = [body["email"] for _, body in load.sent]
    with psycopg.connect(database_url) as db:
        people = dict(
            db.execute(
                "SELECT lower(email), count(*) FROM crm_person WHERE lower(email) = ANY(%s) "
                "GROUP BY lower(email)",
                [emails],
            ).fetchall()
        )
        touches = dict(
            db.execute(
                "SELECT lower(p.email), count(*) FROM touchpoints_touchpoint t "
                "JOIN crm_person p ON p.id = t.person_id WHERE lower(p.email) = ANY(%s) "
                "GROUP BY lower(p.email)",
                [emails],
            ).fetchall()
        )
        handed = dict(
            db.execute(
                "SELECT lower(p.email), count(*) FROM handoff_handoff h "
                "JOIN crm_person p ON p.id = h.person_id WHERE lower(p.email) = ANY(%s) "
                "GROUP BY lower(p.email)",
                [emails],
            ).fetchall()
        )
        alerts = db.execute(
            "SELECT status, count(*) FROM alerts_delivery GROUP BY status"
        ).fetchall()
        captures = db.execute(
            "SELECT c.status, extract(epoch FROM c.processed_at - c.received_at) "
            "FROM capture_capture c JOIN crm_person p ON p.id = c.person_id "
            "WHERE lower(p.email) = ANY(%s)",
            [emails],
        ).fetchall()
    acknowledged = [body["email"] for key, body in load.sent if key in load.answered]
    duplicates = sum(
        max(table.get(email, 0) - 1, 0) for table in (people, touches, handed) for email in emails
    )
    lost = sum(
        1
        for email in acknowledged
        if not (people.get(email) and touches.get(email) and handed.get(email))
    )
    return {
        "duplicates": duplicates,
        "lost": lost,
        "alerts": dict(alerts),
        "not routed": sum(1 for status, _ in captures if status != "routed"),
        "to routed": [float(seconds) for status, seconds in captures if status == "routed"],
    }


def wait_until_none(database_url: str, count_sql: str, seconds: float) -> float | None:
    """Until `count_sql` counts none (or `seconds` passed): how long that took, or None."""
    started = time.monotonic()
    with psycopg.connect(database_url, autocommit=True) as db:
        while time.monotonic() - started < seconds:
            if not db.execute(count_sql).fetchone()[0]:
                return round(time.monotonic() - started, 1)
            time.sleep(0.2)
    return None


def wait_for_the_worker(database_url: str, seconds: float) -> None:
    """Until no capture waits for the worker (or `seconds` passed)."""
    wait_until_none(
        database_url, "SELECT count(*) FROM capture_capture WHERE status = 'received'", seconds
    )


def wait_for_the_outbox(database_url: str, seconds: float) -> float | None:
    """Until no alert waits to be sent (or `seconds` passed): how long that took, or None."""
    return wait_until_none(
        database_url, "SELECT count(*) FROM alerts_delivery WHERE status = 'pending'", seconds
    )


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=5000, help="new leads to send at most")
    parser.add_argument("--seconds", type=float, default=60, help="stop sending after this")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument(
        "--rate",
        type=float,
        help="open loop: requests per second offered (Poisson arrivals), with at most "
        "--concurrency in flight; latency counts from when each request was due",
    )
    parser.add_argument("--duplicates", type=float, default=0.2, help="share of resubmissions")
    parser.add_argument("--server-workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--server-threads", type=int, default=1, help="threads per worker")
    parser.add_argument("--database", default="accord_bench_capture")
    args = parser.parse_args()

    database_url = fresh_database(args.database)
    data_dir = Path(tempfile.mkdtemp(prefix="accord-capture-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ACCORD_DATA_DIR": str(data_dir),
        "ACCORD_SECURE_COOKIES": "false",
        "ACCORD_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    subprocess.run([*ACCORD, "manage", "migrate", "-v0"], env=env, check=True)
    setup = SETUP.format(companies=COMPANIES, document=DOCUMENT)
    key = subprocess.run(
        [*ACCORD, "manage", "shell", "-c", setup],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]

    port = free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen(
        [
            *ACCORD,
            "serve",
            "--no-migrate",
            "--port",
            str(port),
            "--workers",
            str(args.server_workers),
            "--threads",
            str(args.server_threads),
        ],
        env=env,
        **quiet,
    )
    worker = subprocess.Popen([*ACCORD, "worker", "--every", "5"], env=env, **quiet)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", 300)
        load = Load(("127.0.0.1", port), key, args.leads, args.seconds, args.duplicates)
        asyncio.run(load.warm_up(2 * args.server_workers * args.server_threads))
        wait_for_the_worker(database_url, 300)  # its first batch loads the scoring engine
        load_before = os.getloadavg()[0]
        before_db = {pid: cpu_seconds([pid]) for pid in database_pids(database_url)}
        before = (
            resource.getrusage(resource.RUSAGE_SELF),
            cpu_seconds([server.pid]),
            cpu_seconds([worker.pid]),
            machine_busy_seconds(),
        )
        if args.rate:
            elapsed = asyncio.run(load.run_at(args.rate, args.concurrency))
        else:
            elapsed = asyncio.run(load.run(args.concurrency))
        mine = resource.getrusage(resource.RUSAGE_SELF)
        cpu = {
            "client (this load generator)": mine.ru_utime
            + mine.ru_stime
            - before[0].ru_utime
            - before[0].ru_stime,
            "server (gunicorn)": cpu_seconds([server.pid]) - before[1],
            "worker": cpu_seconds([worker.pid]) - before[2],
            "postgresql (this database's backends)": sum(
                cpu_seconds([pid]) - before_db.get(pid, 0) for pid in database_pids(database_url)
            ),
            "whole machine (every process, all cores)": machine_busy_seconds() - before[3],
        }
        wait_for_the_worker(database_url, 60)
        outbox_seconds = wait_for_the_outbox(database_url, 120)
        found = read_back(database_url, load)
    finally:
        for process in (server, worker):
            process.send_signal(signal.SIGTERM)
        for process in (server, worker):
            process.wait(timeout=60)

    report = {
        "requests tried": load.tried,
        "answered 2xx": load.ok,
        "failed": load.failed,
        "new leads": len(load.sent),
        "resubmissions (same Idempotency-Key)": load.resubmitted,
        "resubmissions answered with another person": load.mismatched,
        "new leads not routed": found["not routed"],
        "seconds": round(elapsed, 1),
        "captures per second (2xx)": round(load.ok / elapsed, 1),
        "new leads per second": round(len(load.answered) / elapsed, 1),
        "p50 ms to the answer": round(percentile(load.latencies, 50) * 1000, 1),
        "p99 ms to the answer": round(percentile(load.latencies, 99) * 1000, 1),
        "p50 ms from capture to routed": round(percentile(found["to routed"], 50) * 1000, 1),
        "p99 ms from capture to routed": round(percentile(found["to routed"], 99) * 1000, 1),
        "duplicates in the database": found["duplicates"],
        "leads lost": found["lost"],
        "alert deliveries by status": found["alerts"],
        "seconds after the last routing until every alert was sent": outbox_seconds,
        "concurrency": args.concurrency,
        "offered requests per second (open loop)": args.rate,
        "gunicorn workers": args.server_workers,
        "threads per worker": args.server_threads,
        "CPU seconds during the run": {name: round(value, 1) for name, value in cpu.items()},
        "server CPU ms per 2xx answer": round(cpu["server (gunicorn)"] * 1000 / max(load.ok, 1), 1),
        "load average (1 min) before, after": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
