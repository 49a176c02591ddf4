"""The actor's own index goes: `audit_actor` (actor, at) serves every look-up by actor, and each
audit entry (a quarter of a million when a new agreement version rescores everybody) paid for
both. Dropped by name: altering the field would make SQLite copy the whole table, and the copy
would lose the append-only triggers of 0002."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        help_text=(
                            "Empty for the system: imports run from the command line, "
                            "rescoring, workers"
                        ),
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "audit_auditentry_actor_id_8ab278be"',
                    'CREATE INDEX "audit_auditentry_actor_id_8ab278be" '
                    'ON "audit_auditentry" ("actor_id")',
                ),
            ],
        ),
    ]
