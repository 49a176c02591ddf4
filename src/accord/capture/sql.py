"""Single-statement writes for the capture path, where the ORM would need a savepoint.

`insert_or_nothing` is `INSERT ... ON CONFLICT DO NOTHING RETURNING id` (PostgreSQL and SQLite
3.35+): one round trip that either makes the row or, when a unique index already holds its value,
makes nothing. On PostgreSQL an insert that meets a concurrent transaction's uncommitted row waits
for it like a plain INSERT would, then inserts (that one rolled back) or does nothing (it
committed), so "read it back" in the next statement finds the winner's row.
"""

from django.db import connection


def row_of(obj) -> dict[str, object]:
    """The columns and values `save()` would insert for this unsaved model instance: field
    defaults and `pre_save` (auto_now) applied, values as the database takes them."""
    fields = (f for f in type(obj)._meta.concrete_fields if not f.primary_key)
    return {f.column: f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields}


def insert_or_nothing(obj) -> bool:
    """Insert the unsaved model instance; True (and its pk set) when made, False on a conflict
    with any unique constraint. Field defaults and `pre_save` (auto_now) apply as in `save()`."""
    meta = type(obj)._meta
    row = row_of(obj)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(column) for column in row)
    values = list(row.values())
    placeholders = ", ".join(["%s"] * len(row))
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({placeholders}) "
        f"ON CONFLICT DO NOTHING RETURNING {qn(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return True
