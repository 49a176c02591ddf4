"""Bulk writes of tuples and Polars frames: PostgreSQL COPY, SQLite executemany, in batches.

The ORM's bulk_create builds a model instance per row; at a million rows that costs more than the
database does, so imports, rescoring and the audit trail write plain tuples or frames here.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from itertools import chain, islice

from django.contrib.auth import get_user_model
from django.db import connection, models

from accord.columns import vendor

BATCH = 20_000
FEW = 100  # fewer rows than this go in one INSERT on PostgreSQL: for a handful a COPY costs more


@contextmanager
def large_page_cache(kib: int = 262_144):
    """SQLite: a page cache of `kib` (256 MB) for this connection while in the block. Its
    default, 2 MB, reads the same index pages again and again for a large write. Nothing on
    PostgreSQL."""
    if vendor.postgresql():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")  # negative: in KiB
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _adapters(model, fields: Sequence[str]) -> list[Callable | None]:
    """Per column, what turns a Python value into what SQLite stores (PostgreSQL adapts itself)."""
    ops = connection.ops
    adapters: list[Callable | None] = []
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
        if vendor.postgresql():
            rows = iter(rows)
            head = list(islice(rows, FEW))
            if len(head) < FEW:  # a capture's few history rows: an INSERT costs less than a COPY
                if head:
                    values = values_placeholders(len(fields), len(head))
                    cursor.execute(f"INSERT INTO {table} ({cols}) VALUES {values}", flat(head))
                if progress is not None:
                    progress.update(len(head))
                return
            n = 0
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for n, row in enumerate(chain(head, rows), 1):
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


def insert_prepared(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT rows whose values the database takes as they are (each field's
    `get_db_prep_value` applied already, as a restore does): COPY on PostgreSQL, executemany on
    SQLite."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if vendor.postgresql():
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def values_placeholders(width: int, count: int) -> str:
    """`(%s, %s), (%s, %s)` for `count` rows of `width` values: a few rows in one statement."""
    row = f"({', '.join(['%s'] * width)})"
    return ", ".join([row] * count)


def flat(rows) -> list:
    """The values of these rows in one list, as `values_placeholders` binds them."""
    return [value for row in rows for value in row]


def update_rows(model, fields: Sequence[str], rows: Iterable[tuple], progress=None) -> None:
    """UPDATE by primary key: each row is (*values of `fields`, pk)."""
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in _columns(model, fields))
    sql = f"UPDATE {table} SET {sets} WHERE id = %s"
    adapters = []
    if not vendor.postgresql():
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


# --- column-wise writes (Polars frames) -----------------------------------------------------


def reserve_ids(model, count: int) -> list[int]:
    """Primary keys for `count` rows about to be inserted, handed out as the database would.

    PostgreSQL draws them from the table's sequence (other writers meanwhile get others); SQLite
    continues after the highest id it ever gave (AUTOINCREMENT never reuses one). Call it inside
    the writing transaction: on SQLite a writer that got in first makes the insert fail (primary
    key taken) rather than mix rows.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if vendor.postgresql():
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT max(id) FROM {connection.ops.quote_name(table)}")
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
    return list(range(start, start + count))


def _text_datetimes(frame, postgres: bool):
    """Datetime and date columns as the text each database stores (SQLite: naive UTC, as Django
    writes)."""
    import polars as pl

    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            exprs.append(pl.col(name).dt.strftime("%Y-%m-%d"))
            continue
        if not isinstance(dtype, pl.Datetime):
            continue
        col = pl.col(name)
        if dtype.time_zone is not None:
            col = col.dt.convert_time_zone("UTC")
        if postgres:
            exprs.append(col.dt.strftime("%Y-%m-%d %H:%M:%S%.6f+00:00").alias(name))
        else:
            exprs.append(
                pl.when(col.dt.microsecond() == 0)
                .then(col.dt.strftime("%Y-%m-%d %H:%M:%S"))
                .otherwise(col.dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
                .alias(name)
            )
    return frame.with_columns(exprs) if exprs else frame


BULK_OVER = 100_000  # rows of one `insert_frame(bulk=True)` from which indexes may be set aside


@contextmanager
def indexes_set_aside(model, rows: int):
    """While in the block, `rows` are written to `model`'s table: if they are BULK_OVER or more
    and the table holds fewer rows than that (a team's first import), its indexes other than
    the primary key and unique constraints are dropped, and on PostgreSQL its foreign keys too
    (but those to the users' table), then made again after the block, in the same transaction.
    Building an index from its rows costs a fraction of adding as many entries one by one at
    random places; a foreign key made again checks every row in one join where each row
    would have been looked up alone at commit. A unique index or key the rows break fails
    there, as the insert would have, and nothing is written.

    On PostgreSQL the table (and those its foreign keys point to) is then locked until the
    transaction ends: anyone reading it waits for the import, which is why only a table
    holding fewer rows than the write is set aside. SQLite's readers keep reading what was
    committed."""
    from accord.columns.load import without_indexes  # which imports this module

    if rows < BULK_OVER or _holds_at_least(model, rows):
        yield
        return
    with without_indexes([model._meta.db_table], keep_keys_to=get_user_model()._meta.db_table):
        yield


def _holds_at_least(model, rows: int) -> bool:
    """Whether `model`'s table holds `rows` rows or more (counting no further)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {_table(model)} LIMIT %s) AS held", [rows]
        )
        return cursor.fetchone()[0] >= rows


def insert_frame(
    model,
    frame,
    progress=None,
    batch_size: int = 100_000,
    constants: Mapping | None = None,
    bulk: bool = False,
) -> None:
    """INSERT every row of a Polars frame whose column names are `model`'s field names, with
    `constants` (field name: value) the same in every row.

    PostgreSQL: COPY ... (FORMAT csv), the frame written as CSV by Polars (an empty quoted cell
    is an empty string, an unquoted one NULL). SQLite: executemany in batches; for many rows the
    constants written into the statement once as literals (SQLite's `quote()` makes them) rather
    than bound with every row, which is quicker for many rows. No defaults are filled in: pass
    every NOT NULL column. `bulk`: the table's indexes may be set aside while a great many rows
    go in (`indexes_set_aside`).
    """
    if frame.height == 0:
        return
    if bulk:
        with indexes_set_aside(model, frame.height):
            _insert_frame(model, frame, progress, batch_size, constants)
    else:
        _insert_frame(model, frame, progress, batch_size, constants)


def _insert_frame(model, frame, progress, batch_size: int, constants: Mapping | None) -> None:
    import polars as pl

    constants = dict(constants or {})
    postgres = vendor.postgresql()
    if postgres or frame.height < BATCH:  # a few rows: not worth a query for the literals
        frame = frame.with_columns(pl.lit(value).alias(name) for name, value in constants.items())
        constants = {}
    fields = [*frame.columns, *constants]
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in _columns(model, fields))
    frame = _text_datetimes(frame, postgres)
    with connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT csv)") as copy:
                for part in frame.iter_slices(batch_size):
                    copy.write(part.write_csv(include_header=False, quote_style="non_numeric"))
                    if progress is not None:
                        progress.update(part.height)
            return
        values = ["%s"] * frame.width + _sqlite_literals(model, constants)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(values)})"
        for part in frame.iter_slices(BATCH):
            cursor.executemany(sql, part.iter_rows())
            if progress is not None:
                progress.update(part.height)


def _sqlite_literals(model, values: Mapping) -> list[str]:
    """SQL literals for these field values, as SQLite quotes them."""
    if not values:
        return []
    adapters = _adapters(model, list(values))
    adapted = [adapt(v) if adapt else v for adapt, v in zip(adapters, values.values(), strict=True)]
    return [literal.replace("%", "%%") for literal in sqlite_quoted(adapted)]


def sqlite_quoted(values: Sequence) -> list[str]:
    """These values (as the database stores them) as SQLite writes them in SQL: its `quote()`."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(['quote(%s)'] * len(values))}", list(values))
        return list(cursor.fetchone())


def upsert_frame(
    model, frame, *, key: str, constants: Mapping | None = None, progress=None
) -> None:
    """INSERT every row of a Polars frame (columns named as `model`'s fields), with `constants`
    (field name: value) the same in every row; a row whose `key` is taken replaces that row's
    other fields. Rows go in the frame's order: in the order of the key, about three times
    quicker than in random order.

    PostgreSQL: a handful in one statement, more by COPY into a temporary table and one upsert
    from it, the constants given once rather than parsed from each row (which makes the COPY of
    a million rows markedly quicker). SQLite: executemany in batches."""
    import polars as pl

    if frame.height == 0:
        return
    constants = {name: _constant(model, name, value) for name, value in (constants or {}).items()}
    quoted = dict(
        zip(
            [*frame.columns, *constants],
            _quoted_columns(model, [*frame.columns, *constants]),
            strict=True,
        )
    )
    replace = ", ".join(f"{c} = excluded.{c}" for name, c in quoted.items() if name != key)
    on_conflict = f"ON CONFLICT ({quoted[key]}) DO UPDATE SET {replace}"
    if vendor.postgresql() and frame.height > FEW:
        _copy_and_upsert(model, frame, constants, on_conflict, progress)
        return
    rows = frame.with_columns(pl.lit(value).alias(name) for name, value in constants.items())
    sql = f"INSERT INTO {_table(model)} ({', '.join(quoted.values())}) VALUES "
    if vendor.postgresql():
        with connection.cursor() as cursor:
            values = values_placeholders(rows.width, rows.height)
            cursor.execute(f"{sql}{values} {on_conflict}", flat(rows.iter_rows()))
    else:
        sql += f"({', '.join(['?'] * rows.width)}) {on_conflict}"  # sqlite3's own, unwrapped
        for part in rows.iter_slices(UPSERT_BATCH):
            connection.connection.executemany(sql, part.iter_rows())
            if progress is not None:
                progress.update(part.height)
        return
    if progress is not None:
        progress.update(rows.height)


UPSERT_BATCH = 50_000


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _quoted_columns(model, fields: Sequence[str]) -> list[str]:
    return [connection.ops.quote_name(c) for c in _columns(model, fields)]


def _constant(model, name: str, value):
    """A value the same in every row as the database stores it: a datetime as its text."""
    if isinstance(model._meta.get_field(name), models.DateTimeField):
        return str(vendor.stored_time(value))
    return value


def _copy_and_upsert(model, frame, constants: Mapping, on_conflict: str, progress) -> None:
    varying = ", ".join(_quoted_columns(model, frame.columns))
    columns = ", ".join(_quoted_columns(model, [*frame.columns, *constants]))
    selects = [
        varying,
        *(f"%s::{model._meta.get_field(name).db_type(connection)}" for name in constants),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE new_rows ON COMMIT DROP AS SELECT {varying} "
            f"FROM {_table(model)} WITH NO DATA"
        )
        for part in frame.iter_slices(UPSERT_BATCH * 4):
            with cursor.cursor.copy(f"COPY new_rows ({varying}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(part.write_csv(include_header=False))
            if progress is not None:
                progress.update(part.height)
        cursor.execute(
            f"INSERT INTO {_table(model)} ({columns}) SELECT {', '.join(selects)} FROM new_rows "
            f"{on_conflict}",
            list(constants.values()),
        )
        cursor.execute("DROP TABLE new_rows")
