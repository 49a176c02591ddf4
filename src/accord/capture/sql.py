"""Single-statement writes for the capture path, where the ORM would need a savepoint.

`insert_or_nothing` is `INSERT ... ON CONFLICT DO NOTHING RETURNING id` (PostgreSQL and SQLite
3.35+): one round trip that either makes the row or, when a unique index already holds its value,
makes nothing. On PostgreSQL an insert that meets a concurrent transaction's uncommitted row waits
for it like a plain INSERT would, then inserts (that one rolled back) or does nothing (it
committed), so "read it back" in the next statement finds the winner's row.
"""

from django.db import connection


def insert_or_nothing(obj) -> bool:
    """Insert the unsaved model instance; True (and its pk set) when made, False on a conflict
    with any unique constraint. Field defaults and `pre_save` (auto_now) apply as in `save()`."""
    meta = type(obj)._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    placeholders = ", ".join(["%s"] * len(fields))
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
