"""Writing generated columns to the database fast: COPY on PostgreSQL, executemany on SQLite."""

import sys

import polars as pl
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from tqdm import tqdm

CHUNK_ROWS = 200_000


def write_tables(frames: dict[str, pl.DataFrame], *, progress: bool = True) -> dict[str, int]:
    """Insert each frame into its model's table, in the order given (parents first).

    The frames carry their own ids, so the tables must not hold rows yet; the id sequences are
    moved past them afterwards. Call inside a transaction.
    """
    written = {}
    for label, frame in frames.items():
        model = apps.get_model(label)
        with tqdm(
            total=len(frame),
            desc=f"{model._meta.verbose_name_plural:<18}",
            unit=" rows",
            unit_scale=True,
            file=sys.stderr,
            disable=not progress,
            leave=True,
        ) as bar:
            _write(model._meta.db_table, frame, bar)
        written[label] = len(frame)
    models = [apps.get_model(label) for label in frames]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return written


def _write(table: str, frame: pl.DataFrame, bar) -> None:
    if connection.vendor == "postgresql":
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
            cursor.executemany(sql, chunk.iter_rows())
            bar.update(len(chunk))
    finally:
        cursor.close()
