"""Query results as Arrow columns through ADBC drivers, which build the columns in C without a
Python object per value and without holding Python's lock. Nothing here uses Django, so other
threads and processes may call it; the drivers' low-level API is used, not their DB-API module,
which loads pandas (a large part of a rescore's start-up).

On SQLite each query runs in a process of its own. The driver carries its own copy of SQLite,
and two copies of SQLite in one process corrupt a database in WAL mode: file locks belong to
the process, so the driver's copy takes the log for its own and on closing deletes it while
Django's connection still writes to it (the scores then missing for every other process; on a
large database the process killed by SIGBUS when the shared index under it is truncated). In a
process of its own the driver is one more client of the database, which SQLite's locking
handles as it should. The child reads one request, a JSON line {"path", "sql", "wait_ms"}, and
writes the rows to its standard output as an Arrow IPC stream.
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import adbc_driver_manager as adbc
import pyarrow as pa
import pyarrow.ipc


def read_postgresql(dsn: str, sql: str) -> pa.Table:
    """The rows of `sql` on a connection of its own (PostgreSQL sends them by binary COPY)."""
    import adbc_driver_postgresql

    with adbc_driver_postgresql.connect(dsn) as database, _rows(database, sql) as rows:
        return rows.read_all()


def read_sqlite_apart(path: str, sql: str, wait_ms: int) -> pa.Table:
    """The rows of `sql` (parameters already written into it) read from the SQLite file at
    `path` by a child process, waiting up to `wait_ms` for a lock as Django's connections do."""
    child = subprocess.Popen(
        [sys.executable, "-m", __name__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdin and child.stdout and child.stderr  # all three are pipes
    request = json.dumps({"path": path, "sql": sql, "wait_ms": wait_ms})
    child.stdin.write(request.encode() + b"\n")
    child.stdin.close()
    try:
        table = pa.ipc.open_stream(child.stdout).read_all()
    except pa.ArrowInvalid:
        table = None  # the child failed before it wrote a stream: its error says why
    error = child.stderr.read()
    if child.wait() or table is None:
        raise RuntimeError(f"Reading {path} as Arrow columns failed: {error.decode().strip()}")
    return table


@contextmanager
def _rows(database, sql: str, setup: tuple[str, ...] = ()) -> Iterator[pa.RecordBatchReader]:
    with adbc.AdbcConnection(database) as connection:
        for statement_sql in setup:
            with adbc.AdbcStatement(connection) as statement:
                statement.set_sql_query(statement_sql)
                statement.execute_update()
        with adbc.AdbcStatement(connection) as statement:
            statement.set_sql_query(sql)
            stream, _ = statement.execute_query()
            yield pa.RecordBatchReader.from_stream(stream)


def _answer_sqlite(request: dict) -> None:
    import adbc_driver_sqlite

    wait = f"PRAGMA busy_timeout = {int(request['wait_ms'])}"
    with (
        adbc_driver_sqlite.connect(request["path"]) as database,
        _rows(database, request["sql"], (wait,)) as rows,
        pa.ipc.new_stream(sys.stdout.buffer, rows.schema) as out,
    ):
        for batch in rows:
            out.write_batch(batch)


if __name__ == "__main__":
    _answer_sqlite(json.loads(sys.stdin.readline()))
