"""SQLite's side of the append-only rule: its triggers ask `accord_audit_locked()`.

The function exists only on connections Accord opens, so a raw `sqlite3` session cannot change
the history either ("no such function"). The one exception is `accord manage flush`, which
empties the whole database, history included, on purpose (PostgreSQL's TRUNCATE does the same).
"""

import threading
from contextlib import contextmanager

from accord.columns.vendor import postgresql

_state = threading.local()


def _locked() -> int:
    return 0 if getattr(_state, "wiping", False) else 1


def register_sqlite_guard(sender, connection, **kwargs) -> None:
    if not postgresql(connection):
        connection.connection.create_function("accord_audit_locked", 0, _locked)


@contextmanager
def wiping_everything():
    """Let the database be emptied, history included (the flush command only)."""
    _state.wiping = True
    try:
        yield
    finally:
        _state.wiping = False
