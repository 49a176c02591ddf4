"""Fast writes for large imports and bulk history: PostgreSQL COPY, SQLite executemany, in batches.

The ORM's bulk_create builds a model instance per row; at a million rows that costs more than the
database does, so the import's hot paths write plain tuples here instead.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from itertools import islice

from django.db import connection, models

BATCH = 20_000


def prepare_connection() -> None:
    """Give SQLite a page cache big enough that a large import does not spill it page by page."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB, this connection only


def _adapters(model, fields: Sequence[str]) -> list[Callable | None]:
    """Per column, what turns a Python value into what SQLite stores (PostgreSQL adapts itself)."""
    ops = connection.ops
    adapters = []
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            adapters.append(_repeating(_sqlite_datetime))
        elif isinstance(field, models.DateField):
            adapters.append(ops.adapt_datefield_value)
        elif isinstance(field, models.DecimalField):
            adapters.append(lambda v: None if v is None else str(v))
        else:
            adapters.append(None)
    return adapters


def _repeating(adapt: Callable) -> Callable:
    """Adapt a value once when rows repeat it (every row of an import shares its `now`)."""
    last = [object(), None]

    def adapt_once(value):
        if value is not last[0]:
            last[0], last[1] = value, adapt(value)
        return last[1]

    return adapt_once


def _sqlite_datetime(value):
    """What Django stores for an aware datetime on SQLite (naive UTC text), without its checks."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _columns(model, fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def _batches(rows: Iterable[tuple], size: int = BATCH):
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


def insert_rows(
    model, fields: Sequence[str], rows: Iterable[tuple], progress=None, batch_size: int = BATCH
) -> None:
    """INSERT tuples of `fields` values; no defaults are filled in, pass every NOT NULL column."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in _columns(model, fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            n = 0
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for n, row in enumerate(rows, 1):
                    copy.write_row(row)
                    if progress is not None and n % BATCH == 0:
                        progress.update(BATCH)
                if progress is not None:
                    progress.update(n % BATCH)
            return
        adapters = [(i, a) for i, a in enumerate(_adapters(model, fields)) if a]
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(fields))})"
        for batch in _batches(rows, batch_size):
            if adapters:
                batch = [_adapt(row, adapters) for row in batch]
            cursor.executemany(sql, batch)
            if progress is not None:
                progress.update(len(batch))


def update_rows(model, fields: Sequence[str], rows: Iterable[tuple], progress=None) -> None:
    """UPDATE by primary key: each row is (*values of `fields`, pk)."""
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in _columns(model, fields))
    sql = f"UPDATE {table} SET {sets} WHERE id = %s"
    adapters = []
    if connection.vendor != "postgresql":
        adapters = [(i, a) for i, a in enumerate(_adapters(model, fields)) if a]
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            if adapters:
                batch = [_adapt(row, adapters) for row in batch]
            cursor.executemany(sql, batch)
            if progress is not None:
                progress.update(len(batch))


def _adapt(row: tuple, adapters) -> tuple:
    values = list(row)
    for i, adapt in adapters:
        values[i] = adapt(values[i])
    return tuple(values)
