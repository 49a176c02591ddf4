"""The `accord` command as a user types it."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from accord.cli import SUBCOMMANDS, main


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in (*SUBCOMMANDS, "manage"):
        assert f"\n  {command}" in out, f"the help does not list {command}"


def test_an_unknown_command_is_refused_with_the_usage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_on_the_given_port_with_a_production_server(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env["ACCORD_DATA_DIR"] = str(tmp_path)
    server = subprocess.Popen(
        [sys.executable, "-m", "accord", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body, headers = None, None
        deadline = time.monotonic() + 180  # a bound for a loaded machine, not a timing
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    body, headers = resp.read().decode(), resp.headers
            except OSError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.3)
        assert body == '{"status": "ok"}'
        assert "gunicorn" in headers["Server"]
        assert headers["Connection"] == "close"  # the next request goes to any free worker
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as resp:
            assert "Log in to Accord" in resp.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_with_the_worker_runs_it_beside_the_server_and_stops_it_too(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env["ACCORD_DATA_DIR"] = str(tmp_path)
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "accord", "serve", "--port", str(_free_port())]
    with log.open("w") as out:
        server = subprocess.Popen(
            [*command, "--workers", "1", "--with-worker"], env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 180  # a bound for a loaded machine, not a timing
        while "SLA breach sweep every 60 s" not in log.read_text():
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert "Accord worker stopped." in log.read_text()


def test_the_demo_serves_the_dashboard_numbers_as_its_marketing_head_sees_them(tmp_path):
    """The demo loads with Polars in its own process, then serves from a fresh one: a server
    forked from a process whose Polars thread pool ran hangs on its first parallel query."""
    import requests

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env["ACCORD_DATA_DIR"] = str(tmp_path)
    log = tmp_path / "demo.log"
    command = [sys.executable, "-m", "accord", "demo", "--size", "tiny", "--port", str(port)]
    with log.open("w") as out:
        demo = subprocess.Popen([*command, "--no-worker"], env=env, stdout=out, stderr=out)
    site = f"http://127.0.0.1:{port}"
    try:
        session, deadline = requests.Session(), time.monotonic() + 180
        while True:
            assert demo.poll() is None and time.monotonic() < deadline, log.read_text()
            try:
                session.get(f"{site}/login/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.5)
        session.post(
            f"{site}/login/",
            {
                "username": "marketing.head@demo.accord",
                "password": "accord-demo",
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": f"{site}/login/"},
            timeout=30,
        )
        velocity = session.get(f"{site}/dashboard/panels/velocity/", timeout=60)
        assert velocity.status_code == 200
        assert "Median days" in velocity.text or "median" in velocity.text.lower()
    finally:
        demo.terminate()
        demo.wait(timeout=60)


def test_metrics_add_up_the_requests_every_server_worker_answered(tmp_path):
    from prometheus_client.parser import text_string_to_metric_families

    port, base = _free_port(), None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PROMETHEUS"))}
    env.update(ACCORD_DATA_DIR=str(tmp_path / "data"), TMPDIR=str(tmp_path))
    log = tmp_path / "serve.log"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    left_behind = tmp_path / f"accord-metrics-{gone.pid}-killed"  # a server killed at start
    left_behind.mkdir()
    command = [sys.executable, "-m", "accord", "serve", "--port", str(port), "--workers", "3"]
    with log.open("w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        answered, deadline = 0, time.monotonic() + 180  # a bound for a loaded machine
        while answered < 60:
            base = f"http://127.0.0.1:{port}"
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as resp:
                    answered += resp.status == 200
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as resp:
            text = resp.read().decode()
        [folder] = tmp_path.glob("accord-metrics-*")  # this server's, and no other
        processes = {path.stem.rsplit("_", 1)[-1] for path in folder.glob("counter_*.db")}
    finally:
        server.terminate()
        server.wait(timeout=60)

    counted = [
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "accord_http_requests_total"
        and sample.labels == {"route": "/healthz", "method": "GET", "status": "200"}
    ]
    assert counted == [60]  # one figure, whichever worker answered each request
    assert len(processes) > 1  # the requests were answered by several workers
    assert not folder.exists()  # each start begins from nothing
