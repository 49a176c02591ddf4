"""How the worker learns that captures arrived: PostgreSQL's `NOTIFY` (each capture's
transaction sends one on `services.WAKE_CHANNEL` as it commits), or a short poll on SQLite."""

import threading

from django.db import connection

from accord.capture.services import WAKE_CHANNEL

LISTEN_SECONDS = 1.0  # a notification missed while reconnecting is caught within this


class Wakeups:
    """`wait` returns when captures may be waiting: at a notification (PostgreSQL) or after
    `poll` seconds (SQLite), and at once when `stopping` is set. One per thread: it listens on
    that thread's connection, and listens again whenever the connection was made anew."""

    def __init__(self, poll: float, stopping: threading.Event):
        self.poll, self.stopping = poll, stopping
        self._listening = None

    def wait(self) -> None:
        if connection.vendor != "postgresql":
            self.stopping.wait(self.poll)
            return
        connection.ensure_connection()
        raw = connection.connection
        if raw is not self._listening:
            with connection.cursor() as cursor:
                cursor.execute(f"LISTEN {WAKE_CHANNEL}")
            self._listening = raw
            return  # a capture may have come before the LISTEN: look at once
        for _ in raw.notifies(timeout=LISTEN_SECONDS, stop_after=1):
            pass
