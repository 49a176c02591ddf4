"""An `accord import` killed halfway (SIGKILL, no cleanup) leaves nothing of its file behind."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from accord.imports.tests.helpers import FIXTURES

GENERATOR = Path(__file__).resolve().parents[4] / "bench" / "generate_hubspot_contacts.py"


def test_an_import_killed_midway_leaves_the_database_as_it_was(tmp_path):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ACCORD_DATA_DIR"] = str(data)
    accord = [sys.executable, "-m", "accord"]
    subprocess.run([*accord, "manage", "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [*accord, "import", str(FIXTURES / "hubspot-contacts.csv")],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    big = tmp_path / "contacts.csv"
    generate = [sys.executable, str(GENERATOR), "100000", str(big), "--owners", "0"]
    subprocess.run(generate, check=True)
    wal = data / "accord.sqlite3-wal"
    wal_before = wal.stat().st_size if wal.exists() else 0

    importing = subprocess.Popen(
        [*accord, "import", str(big), "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it once it is writing: its transaction has started filling the write-ahead log.
    while importing.poll() is None and (not wal.exists() or wal.stat().st_size < wal_before + 4e6):
        time.sleep(0.005)
    assert importing.poll() is None, "the import finished before it could be killed"
    os.kill(importing.pid, signal.SIGKILL)
    importing.wait()

    with sqlite3.connect(data / "accord.sqlite3") as db:
        people = db.execute("SELECT count(*) FROM crm_person").fetchone()[0]
        sources = db.execute("SELECT count(*) FROM crm_sourcerecord").fetchone()[0]
        history = db.execute("SELECT count(*) FROM crm_lifecyclechange").fetchone()[0]
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (people, sources, history) == (4, 4, 4)
