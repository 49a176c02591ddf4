"""What differs between the two databases Accord runs on, for the column reads and writes: which
one this is, and how a moment travels between the database and Polars.

A moment is read as integer microseconds since 1970 on PostgreSQL and as the text SQLite
stores (naive UTC, as Django writes it), cast so that no driver parses each value; Polars then
makes UTC datetimes of both. Each is exact to the microsecond, so no rounding ever moves a touch
across a window's edge.
"""

import datetime as dt
from typing import TYPE_CHECKING

from django.db import connection

if TYPE_CHECKING:  # Polars is imported when a read needs it, not by every process that writes
    import polars as pl


def postgresql() -> bool:
    """Whether Django's connection is to PostgreSQL (else to SQLite)."""
    return connection.vendor == "postgresql"


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
