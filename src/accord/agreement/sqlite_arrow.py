"""Read an SQLite query as Arrow columns in a process of its own.

The ADBC driver carries its own copy of SQLite. Two copies of SQLite in one process corrupt a
database in WAL mode: file locks belong to the process, so the driver's copy takes the log for
its own, and on closing deletes it while Django's connection still writes to it (the scores
then missing for every other process; on a large database the process killed by SIGBUS when
the shared index under it is truncated). In a process of its own the driver is one more
client of the database, which SQLite's locking handles as it should.

The child reads one request, a JSON line {"path", "sql", "wait_ms"}, and writes the rows to its
standard output as an Arrow IPC stream. It imports no Django and no pandas: it starts in about
a tenth of a second.
"""

import json
import subprocess
import sys

import pyarrow as pa
import pyarrow.ipc


def read_in_own_process(path: str, sql: str, wait_ms: int) -> pa.Table:
    """The rows of `sql` (parameters already written into it) read from the SQLite file at
    `path` by a child process, waiting up to `wait_ms` for a lock as Django's connections do."""
    child = subprocess.Popen(
        [sys.executable, "-m", __name__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
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


def _answer(request: dict) -> None:
    import adbc_driver_manager as adbc
    import adbc_driver_sqlite

    with (
        adbc_driver_sqlite.connect(request["path"]) as database,
        adbc.AdbcConnection(database) as connection,
    ):
        _execute(connection, f"PRAGMA busy_timeout = {int(request['wait_ms'])}")
        with adbc.AdbcStatement(connection) as statement:
            statement.set_sql_query(request["sql"])
            stream, _ = statement.execute_query()
            rows = pa.RecordBatchReader.from_stream(stream)
            with pa.ipc.new_stream(sys.stdout.buffer, rows.schema) as out:
                for batch in rows:
                    out.write_batch(batch)


def _execute(connection, sql: str) -> None:
    import adbc_driver_manager as adbc

    with adbc.AdbcStatement(connection) as statement:
        statement.set_sql_query(sql)
        statement.execute_update()


if __name__ == "__main__":
    _answer(json.loads(sys.stdin.readline()))
