"""Loading empty tables fast from frames that carry their own ids (the demo company): COPY on
PostgreSQL, executemany on SQLite, the secondary indexes and foreign keys built once afterwards."""

import sys
from contextlib import contextmanager

import polars as pl
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from tqdm import tqdm

from accord.columns import vendor
from accord.columns.writes import large_page_cache

CHUNK_ROWS = 200_000
# Tables that get at least this many rows are loaded without their secondary indexes and
# foreign keys, which are rebuilt in one pass afterwards (each database's own bulk-load advice).
REBUILD_FROM_ROWS = 20_000


def write_tables(frames: dict[str, pl.DataFrame], *, progress: bool = True) -> dict[str, int]:
    """Insert each frame into its model's table, in the order given (parents first).

    The frames carry their own ids, so the tables must not hold rows yet; the id sequences are
    moved past them afterwards. Call inside a transaction.
    """
    models = {label: apps.get_model(label) for label in frames}
    big = [
        m._meta.db_table for label, m in models.items() if len(frames[label]) >= REBUILD_FROM_ROWS
    ]
    written = {}
    with _bulk_session(), without_indexes(big, progress):
        for label, frame in frames.items():
            model = models[label]
            with _bar(len(frame), model._meta.verbose_name_plural, progress, " rows") as bar:
                _write(model._meta.db_table, frame, bar)
            written[label] = len(frame)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models.values())):
            cursor.execute(sql)
    vendor.analyze(model._meta.db_table for model in models.values())
    return written


def _bar(total: int, name: str, progress: bool, unit: str):
    return tqdm(
        total=total,
        desc=f"{name:<18}",
        unit=unit,
        unit_scale=True,
        file=sys.stderr,
        disable=not progress,
    )


@contextmanager
def _bulk_session():
    """SQLite: a page cache big enough for the indexes. PostgreSQL: check foreign keys now,
    so no check is left pending on a table whose constraints are about to be rebuilt."""
    if vendor.postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield
        return
    with large_page_cache(kib=1_000_000):  # up to about 1 GB
        yield


@contextmanager
def without_indexes(tables: list[str], progress: bool = False, keep_keys_to: str | None = None):
    """Drop the tables' secondary indexes (and, on PostgreSQL, foreign keys, but those to the
    table `keep_keys_to`) and make them again afterwards with the same definitions: unique
    indexes and foreign keys are checked then. On PostgreSQL the key checks the transaction
    still waits for are made first each time (a table they touch cannot be altered while they
    wait), then deferred again as every key is."""
    if not tables:
        yield
        return
    with connection.cursor() as cursor:
        _make_waiting_checks(cursor)
        if vendor.postgresql():
            drops, creates = _postgresql_indexes(cursor, tables, keep_keys_to)
        else:
            drops, creates = _sqlite_indexes(cursor, tables)
        for sql in drops:
            cursor.execute(sql)
    yield
    with (
        connection.cursor() as cursor,
        _bar(len(creates), "indexes, keys", progress, " built") as bar,
    ):
        _make_waiting_checks(cursor)
        for sql in creates:
            cursor.execute(sql)
            bar.update()


def _make_waiting_checks(cursor) -> None:
    if vendor.postgresql():
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _sqlite_indexes(cursor, tables):
    marks = ", ".join("%s" for _ in tables)
    cursor.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})",
        tables,
    )
    rows = cursor.fetchall()
    quote = connection.ops.quote_name
    return [f"DROP INDEX {quote(name)}" for name, _ in rows], [sql for _, sql in rows]


def _postgresql_indexes(cursor, tables, keep_keys_to: str | None):
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])
          AND c.confrelid::regclass::text IS DISTINCT FROM %s
        """,
        [tables, keep_keys_to],
    )
    keys = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                          AND c.conrelid = i.indrelid)
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    drops = [f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}" for table, name, _ in keys]
    drops += [f"DROP INDEX {name}" for name, _ in indexes]
    creates = [sql for _, sql in indexes]
    creates += [f"ALTER TABLE {t} ADD CONSTRAINT {quote(n)} {d}" for t, n, d in keys]
    return drops, creates


def _write(table: str, frame: pl.DataFrame, bar) -> None:
    if vendor.postgresql():
        _copy_postgresql(table, frame, bar)
    else:
        _executemany(table, frame, bar)


def _as_text(frame: pl.DataFrame, time_format: str) -> pl.DataFrame:
    """Datetimes in UTC as the database reads them; everything else as it is."""
    return frame.with_columns(
        pl.col(pl.Datetime).dt.convert_time_zone("UTC").dt.strftime(time_format),
        pl.col(pl.Date).dt.strftime("%Y-%m-%d"),
    )


def _copy_postgresql(table: str, frame: pl.DataFrame, bar) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in frame.columns)
    sql = f"COPY {quote(table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for chunk in frame.iter_slices(CHUNK_ROWS):
            text = _as_text(chunk, "%Y-%m-%d %H:%M:%S+00").write_csv(
                include_header=False, null_value="\\N"
            )
            copy.write(text)
            bar.update(len(chunk))


def _executemany(table: str, frame: pl.DataFrame, bar) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in frame.columns)
    marks = ", ".join("?" for _ in frame.columns)
    sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})"
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        for chunk in frame.iter_slices(CHUNK_ROWS):
            chunk = _as_text(chunk, "%Y-%m-%d %H:%M:%S").with_columns(
                pl.col(pl.Boolean).cast(pl.Int8)
            )
            cursor.executemany(sql, zip(*(column.to_list() for column in chunk), strict=True))
            bar.update(len(chunk))
    finally:
        cursor.close()
