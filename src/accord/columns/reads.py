"""Rows of a query as a Polars frame, read without the ORM.

Through Django's connection (`read`, `read_in`, `read_model`): PostgreSQL sends a whole table
(or a window of one) by CSV COPY, anything else comes by the cursor in batches. Outside a
transaction (`readable_apart`), `read_apart` reads on connections of their own as Arrow columns
(see `accord.columns.arrow`), side by side.

A schema names each column's type as the caller wants it: `TIME` for a moment (selected with
`vendor.moment_sql`), `pl.Boolean` for a flag selected as 0 or 1, `pl.Date` for a date
selected as text.
"""

import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any

import polars as pl
from django.db import connection, models
from psycopg.conninfo import make_conninfo
from tqdm import tqdm

from accord.columns import vendor
from accord.columns.writes import sqlite_quoted

BATCH = 50_000
TIME = pl.Datetime("us", "UTC")  # a moment: see `vendor.moment_sql`
READERS = 2  # connections reading side by side: a small server has two cores
Schema = Mapping[str, pl.DataType | type[pl.DataType]]


def _as_read(schema: Schema) -> Schema:
    """The types as the rows arrive: flags as integers, moments and dates raw."""
    as_read: dict[str, pl.DataType | type[pl.DataType]] = {}
    for name, dtype in schema.items():
        if dtype == TIME:
            as_read[name] = vendor.moment_as_read()
        elif dtype == pl.Date:
            as_read[name] = pl.String
        elif dtype == pl.Boolean:
            as_read[name] = pl.Int8
        else:
            as_read[name] = dtype
    return as_read


def _as_wanted(frame: pl.DataFrame, schema: Schema) -> pl.DataFrame:
    if frame.height == 0:  # a driver may type an empty column as it likes
        return pl.DataFrame(schema=schema)
    frame = frame.rename(dict(zip(frame.columns, schema, strict=True)))
    return frame.with_columns(_parsed(name, dtype) for name, dtype in schema.items())


def _parsed(name: str, dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
    if dtype == TIME:
        return vendor.as_moment(name)
    if dtype == pl.Date:
        return pl.col(name).str.to_date("%Y-%m-%d")
    return pl.col(name).cast(dtype)


def read(
    sql: str,
    params: Sequence,
    schema: Schema,
    *,
    whole: bool = False,
    desc: str = "",
    progress: bool = False,
) -> pl.DataFrame:
    """The rows of `sql` as columns of `schema`. `whole`: (a window of) a whole table, which
    PostgreSQL sends in bulk by CSV COPY (outside a transaction `read_apart` is quicker)."""
    as_read = _as_read(schema)
    bar = tqdm(desc=desc, unit=" rows", unit_scale=True, disable=not progress, leave=False)
    with bar:
        if whole and vendor.postgresql():
            query = connection.ops.compose_sql(sql, list(params))  # type: ignore[attr-defined]
            frame = _read_csv_copy(query, as_read, bar)
            return _as_wanted(frame, schema)
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            chunks = [pl.DataFrame(schema=as_read)]
            while rows := cursor.fetchmany(BATCH):
                chunks.append(pl.DataFrame(rows, schema=as_read, orient="row", strict=False))
                bar.update(len(rows))
    return _as_wanted(pl.concat(chunks), schema)


def _read_csv_copy(sql: str, schema: Schema, bar: tqdm) -> pl.DataFrame:
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
                bar.update(bytes(block).count(b"\n"))
    if not buffer.tell():
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    return pl.read_csv(buffer, has_header=False, schema=schema)


def read_in(
    column: str,
    ids: Sequence[int],
    make_sql: Callable[[str], str],
    schema: Schema,
    params: Sequence = (),
) -> pl.DataFrame:
    """`read` for rows whose `column` is one of `ids`, asked in chunks: `make_sql` gets the
    WHERE clause, `params` come before the ids."""
    frames = [
        read(make_sql(in_clause(column, chunk)), [*params, *chunk], schema) for chunk in chunks(ids)
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


def in_clause(column: str, ids: Sequence[int]) -> str:
    return f"WHERE {column} IN ({', '.join(['%s'] * len(ids))})"


def chunks(ids: Sequence[int], size: int = 5000) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


_WHOLE_NUMBERS = {
    "AutoField",
    "BigAutoField",
    "IntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "SmallIntegerField",
    "PositiveSmallIntegerField",
    "ForeignKey",
}


def read_model(
    model: type[models.Model], fields: Sequence[str], where: str = "", params: Sequence = ()
) -> pl.DataFrame:
    """The stored rows of `model` as a frame, one column per field: datetimes as UTC
    datetimes, flags as booleans, whole numbers and keys as Int64, the rest as text."""
    selects: list[str] = []
    schema: dict[str, pl.DataType | type[pl.DataType]] = {}
    for name in fields:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column, f"{name}: not a column"
        column = connection.ops.quote_name(field.column)
        if isinstance(field, models.DateTimeField):
            schema[name], column = TIME, vendor.moment_sql(column)
        elif isinstance(field, models.BooleanField):
            schema[name], column = pl.Boolean, f"CAST({column} AS INTEGER)"
        elif field.get_internal_type() in _WHOLE_NUMBERS:
            schema[name] = pl.Int64
        else:
            schema[name] = pl.String
        selects.append(column)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"SELECT {', '.join(selects)} FROM {table}" + (f" WHERE {where}" if where else "")
    return read(sql, params, schema, whole=True)


# --- reads on connections of their own ------------------------------------------------------


def readable_apart() -> bool:
    """Whether a connection of its own sees what this one does: outside any transaction (it
    sees only what is committed) and, on SQLite, on a file (an in-memory database is this
    connection's alone)."""
    if connection.in_atomic_block:
        return False
    return vendor.postgresql() or not connection.is_in_memory_db()  # type: ignore[attr-defined]


def read_apart(
    queries: list[tuple[str, list, Schema]], desc: str = "", progress: bool = False
) -> list[pl.DataFrame]:
    """Queries (sql, params, schema) read as Arrow columns through an ADBC driver, each on a
    connection of its own: on PostgreSQL `READERS` at a time, on SQLite each in a process of its
    own, all at once (see `accord.columns.arrow`; started together, the processes' start-up
    overlaps). Only where `readable_apart()` says they see what Django's does.

    The drivers build the columns in C, without a Python object per value and without holding
    Python's lock, and two at a time use both cores of a small machine. The SQLite driver takes
    a column's type from its first rows: a text column read this way must never be null."""
    read_arrow, prepared = _arrow_reader(), [_arrow_sql(sql, params) for sql, params, _ in queries]

    def read_one(query: int) -> pl.DataFrame:
        table = read_arrow(prepared[query])
        return _as_wanted(pl.DataFrame(table), queries[query][2])

    at_once = READERS if vendor.postgresql() else len(queries)
    bar = tqdm(desc=desc, unit=" rows", unit_scale=True, disable=not progress, leave=False)
    frames = []
    with bar, ThreadPoolExecutor(at_once) as pool:
        for frame in pool.map(read_one, range(len(queries))):
            frames.append(frame)
            bar.update(frame.height)
    return frames


def _arrow_reader() -> Callable[[str], Any]:
    """A function reading one query's rows as an Arrow table; it uses nothing of Django, so
    that other threads may call it."""
    # Imported here: it loads pyarrow, which only a read of whole tables should wait for.
    from accord.columns import arrow

    if not vendor.postgresql():
        path = str(connection.settings_dict["NAME"])
        wait_ms = int(connection.settings_dict["OPTIONS"].get("timeout", 5) * 1000)
        return lambda sql: arrow.read_sqlite_apart(path, sql, wait_ms)
    connection.ensure_connection()
    info = connection.connection.info
    dsn = make_conninfo(info.dsn, password=info.password) if info.password else info.dsn
    return lambda sql: arrow.read_postgresql(dsn, sql)


def _arrow_sql(sql: str, params: list) -> str:
    """The query with its parameters written in as the database quotes them."""
    if vendor.postgresql():
        return connection.ops.compose_sql(sql, params)  # type: ignore[attr-defined]
    if not params:
        return sql
    return sql % tuple(sqlite_quoted(params))  # our SQL has no other %


def scan_parts(table: str, alias: str, parts: int) -> list[str]:
    """Conditions that split a scan of `table` into `parts` of about equal size, for readers
    side by side: ranges of ids on SQLite (the table is stored in id order), of pages on
    PostgreSQL (a TID range scan reads only its own pages)."""
    if parts == 1:
        return ["TRUE"]
    with connection.cursor() as cursor:
        if vendor.postgresql():
            cursor.execute(
                "SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table]
            )
            (pages,) = cursor.fetchone()
            bounds = [f"'({pages * i // parts},0)'::tid" for i in range(1, parts)]
            column = f"{alias}.ctid"
        else:
            # Each alone, so that SQLite reads them from the ends of the table
            cursor.execute(f"SELECT (SELECT min(id) FROM {table}), (SELECT max(id) FROM {table})")
            low, high = (bound or 0 for bound in cursor.fetchone())
            bounds = [str(low + (high - low) * i // parts) for i in range(1, parts)]
            column = f"{alias}.id"
    ranges = [f"{column} < {bounds[0]}"]
    ranges += [f"{column} >= {lower} AND {column} < {upper}" for lower, upper in pairwise(bounds)]
    return [*ranges, f"{column} >= {bounds[-1]}"]


def index_answers_alone(table: str) -> bool:
    """Whether an index of `table` can answer without reading its rows. On PostgreSQL only for
    pages VACUUM has marked visible to all (autovacuum does, soon after writes): on a table
    mostly without, the planner scans the whole table once per span instead."""
    if not vendor.postgresql():
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relallvisible * 2 >= relpages FROM pg_class WHERE oid = %s::regclass", [table]
        )
        return cursor.fetchone()[0]
