"""PostgreSQL restarted under a running server: a clear error meanwhile, then every lead lands once.

The server is `accord serve` (gunicorn) on a private PostgreSQL cluster this test makes, so
stopping the database disturbs nothing else. A website form retries with its Idempotency-Key
until it gets an answer, as the capture API asks.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs with the PostgreSQL suite"
)
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
LEADS = 60
STOP_AFTER = 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(*args):
    """PostgreSQL refuses to run as root; its own system user runs the private cluster."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *map(str, args)], check=True, capture_output=True)


@pytest.fixture
def private_postgres():
    if PG_BIN is None:
        pytest.fail("PostgreSQL's server programs are missing (.ci/run installs postgresql)")
    home = Path(tempfile.mkdtemp(prefix="accord-pg-"))  # pytest's own tmp is root's alone
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    data, port = home / "data", _free_port()
    _as_postgres(PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres")
    control = [PG_BIN / "pg_ctl", "-D", data, "-w", "-l", home / "log"]
    options = ["-o", f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"]
    _as_postgres(*control, *options, "start")
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as c:
        c.execute("CREATE DATABASE accord")
    yield {
        "url": f"postgres://postgres@127.0.0.1:{port}/accord",
        "stop": lambda: _as_postgres(*control, "-m", "fast", "stop"),
        "start": lambda: _as_postgres(*control, *options, "start"),
    }
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *map(str, control), "-m", "immediate", "stop"],
        capture_output=True,
    )
    shutil.rmtree(home, ignore_errors=True)


def _accord(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "accord", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def server(private_postgres, tmp_path):
    env = {**os.environ, "DATABASE_URL": private_postgres["url"], "ACCORD_DATA_DIR": str(tmp_path)}
    _accord(env, "manage", "migrate", "--verbosity", "0")
    _accord(
        env,
        "manage",
        "shell",
        "-c",
        "from accord.teams.models import User; User.objects.create_user('web@example.com')",
    )
    key = _accord(env, "token", "create", "--user", "web@example.com", "--scope", "capture")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "accord", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    _wait_until_up(base, process)
    yield {"base": base, "key": key.strip().split()[-1], **private_postgres}
    process.terminate()
    process.wait(timeout=30)


def _wait_until_up(base, process):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
            return
        except OSError:
            assert process.poll() is None, "accord serve exited"
            time.sleep(0.3)
    pytest.fail("accord serve did not answer within 90 s")


def _post_lead(server, number: int) -> tuple[int, dict]:
    body = json.dumps({"email": f"lead{number}@northwind.example", "company": "Northwind"})
    request = urllib.request.Request(
        f"{server['base']}/api/v1/leads",
        data=body.encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {server['key']}",
            "Content-Type": "application/json",
            "Idempotency-Key": f"form-{number}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _send_until_answered(server, number: int, refusals: list) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, body = _post_lead(server, number)
        if status in (200, 201):
            return
        refusals.append((status, body))
        time.sleep(0.2)
    pytest.fail(f"lead {number} was never accepted; last answer {refusals[-1]}")


def test_a_database_restart_gives_a_clear_error_then_loses_no_lead(server):
    refusals = []
    for number in range(STOP_AFTER):
        _send_until_answered(server, number, refusals)
    server["stop"]()
    while_down = _post_lead(server, STOP_AFTER)
    server["start"]()
    for number in range(STOP_AFTER, LEADS):
        _send_until_answered(server, number, refusals)
    for number in range(LEADS):  # every form submitted again: answered, nothing doubled
        _send_until_answered(server, number, refusals)

    assert while_down[0] == 503
    assert "database" in while_down[1]["detail"].lower()
    assert {status for status, _ in refusals} <= {503}
    with psycopg.connect(server["url"].replace("postgres://", "postgresql://")) as db:
        emails = [r[0] for r in db.execute("SELECT email FROM crm_person").fetchall()]
    assert sorted(emails) == sorted(f"lead{n}@northwind.example" for n in range(LEADS))
