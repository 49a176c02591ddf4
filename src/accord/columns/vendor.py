"""What differs between the two databases Accord runs on: which one this is, how a moment
travels between the database and Polars, and the few pieces of SQL each spells its own way
(a UTC day, the larger of two values, microseconds since 1970, a lock held to the commit). The
apps ask here rather than reading `connection.vendor`, so a third database would be taught here.

A moment is read as integer microseconds since 1970 on PostgreSQL and as the text SQLite
stores (naive UTC, as Django writes it), cast so that no driver parses each value; Polars then
makes UTC datetimes of both. Each is exact to the microsecond, so no rounding ever moves a touch
across a window's edge.
"""

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection

if TYPE_CHECKING:  # Polars is imported when a read needs it, not by every process that writes
    import polars as pl
    from django.db.backends.base.base import BaseDatabaseWrapper


def postgresql(on: "BaseDatabaseWrapper | None" = None) -> bool:
    """Whether Django's connection (or the connection `on`, such as a migration's or a signal's)
    is to PostgreSQL; else it is to SQLite."""
    return (connection if on is None else on).vendor == "postgresql"


def name() -> str:
    """The database's name as Django knows it ("postgresql", "sqlite"), for the records that
    say where something came from (a backup's manifest)."""
    return connection.vendor


def stored_time(value: dt.datetime):
    """A datetime as the database stores it, for raw SQL (which skips the ORM's conversion)."""
    return connection.ops.adapt_datetimefield_value(value)


def moment_sql(column: str) -> str:
    """A datetime column as it is read (see the module's docstring); `as_moment` parses it."""
    if postgresql():
        # date_part's float carries microseconds since 1970 exactly (53 bits hold them past
        # 2200) and costs a fraction of EXTRACT's numeric
        return f"(date_part('epoch', {column}) * 1000000)::bigint"
    return f"CAST({column} AS TEXT)"


def moment_as_read() -> "type[pl.DataType]":
    import polars as pl

    return pl.Int64 if postgresql() else pl.String


def as_moment(name: str) -> "pl.Expr":
    """The column `name`, read from `moment_sql`, as UTC datetimes."""
    import polars as pl

    column = pl.col(name)
    if postgresql():
        return column.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    return column.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", time_zone="UTC")


# --- SQL each database spells its own way ---------------------------------------------------


def utc_day_sql(column: str) -> str:
    """SQL for the UTC day of a time column: a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite
    (which keeps UTC times as text); either compares equal to a day's ISO text."""
    if postgresql():
        return f"({column} AT TIME ZONE 'UTC')::date"
    return f"substr({column}, 1, 10)"


def greatest_sql(*expressions: str) -> str:
    """SQL for the largest of several values (SQLite's MAX with more than one argument)."""
    return f"{'GREATEST' if postgresql() else 'MAX'}({', '.join(expressions)})"


def microseconds_sql(column: str) -> str:
    """SQL for a time column as integer microseconds since 1970, exactly, in a statement with
    parameters (SQLite's date functions stop at milliseconds, so its text is taken apart)."""
    if postgresql():
        return f"CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS bigint)"
    return (
        f"(CAST(strftime('%%s', substr({column}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr({column} || '.000000', 21, 6) AS INTEGER))"
    )


def lock_until_commit(cursor, namespace: int, key: int) -> None:
    """Hold the lock named (namespace, key) until the transaction ends, so writers of one key
    take turns: an advisory lock on PostgreSQL; nothing on SQLite, which runs one writer at a
    time."""
    if postgresql():
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, key])


def analyze(tables: Iterable[str]) -> None:
    """Fresh planner statistics for tables just loaded in bulk: PostgreSQL's ANALYZE, nothing on
    SQLite."""
    if not postgresql():
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def read_one_snapshot() -> None:
    """In a transaction that has not read yet: every read sees the database as it was at the
    first one. PostgreSQL's default sees each statement's own moment; SQLite's transaction is
    one snapshot already."""
    if postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def stores_nul() -> bool:
    """Whether text may hold a NUL character (SQLite's does, PostgreSQL's cannot)."""
    return not postgresql()
