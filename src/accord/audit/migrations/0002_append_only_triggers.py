"""The database itself refuses to change or delete audit entries (see accord/audit/guard.py)."""

from django.db import migrations

TABLE = "audit_auditentry"

POSTGRES = f"""
CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""
POSTGRES_REVERSE = f"""
DROP TRIGGER audit_entry_no_update ON {TABLE};
DROP TRIGGER audit_entry_no_delete ON {TABLE};
DROP FUNCTION audit_entry_append_only();
"""

SQLITE = [
    f"""CREATE TRIGGER audit_entry_no_{op.lower()} BEFORE {op} ON {TABLE}
    WHEN accord_audit_locked()
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: {op} refused'); END;"""
    for op in ("UPDATE", "DELETE")
]
SQLITE_REVERSE = [f"DROP TRIGGER audit_entry_no_{op};" for op in ("update", "delete")]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif vendor == "sqlite":
        for sql in SQLITE_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
