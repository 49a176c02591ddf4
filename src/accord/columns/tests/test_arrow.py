"""SQLite read as Arrow columns by a child process: the rows come back whole, a bad query
comes back as its error instead of a hang or an empty table."""

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from accord.columns.arrow import read_sqlite_apart


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "people.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, email TEXT NOT NULL)")
        db.executemany("INSERT INTO person VALUES (?, ?)", [(1, "a@x.io"), (2, "b@x.io")])
    return str(path)


def test_the_rows_come_back_as_arrow_columns(database):
    table = read_sqlite_apart(database, "SELECT id, email FROM person ORDER BY id", 1000)

    assert table.to_pydict() == {"id": [1, 2], "email": ["a@x.io", "b@x.io"]}


def test_a_bad_query_is_refused_with_the_database_s_reason(database):
    with pytest.raises(RuntimeError, match="no such column: nope"):
        read_sqlite_apart(database, "SELECT nope FROM person", 1000)


def test_a_locked_database_is_waited_for_as_django_s_connections_wait(tmp_path):
    """Without a busy timeout the driver gives up at once on a lock (in rollback-journal mode
    a writer's exclusive lock keeps readers out until it commits)."""
    path = tmp_path / "locked.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("CREATE TABLE person (id INTEGER PRIMARY KEY)")
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute("INSERT INTO person VALUES (1)")
    with ThreadPoolExecutor(1) as pool:
        reading = pool.submit(
            read_sqlite_apart, str(path), "SELECT count(*) AS n FROM person", 30_000
        )
        time.sleep(0.5)  # the child starts and meets the lock
        writer.execute("COMMIT")
        writer.close()

        assert reading.result().to_pydict() == {"n": [1]}
