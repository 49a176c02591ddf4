"""Trigram indexes for finding records by a fragment of text, on PostgreSQL.

Lists and the search in the header match with `icontains`, which PostgreSQL runs as
`UPPER(field::text) LIKE UPPER('%fragment%')`; a GIN index of `UPPER(field)` with the `pg_trgm`
operator class answers that without reading every row. SQLite has no such index (it reads the
table), so the migrations that make these indexes do nothing there."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models.functions import Upper

from accord.columns.vendor import postgresql


def _indexes(model_name: str, fields: tuple[str, ...]) -> list[GinIndex]:
    return [
        GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=f"{model_name}_{field}_trgm")
        for field in fields
    ]


def trigram_indexes(app_label: str, model_name: str, fields: tuple[str, ...]):
    """A migration operation that indexes `fields` of a model for `icontains`, on PostgreSQL."""

    def forward(apps, schema_editor):
        if not postgresql(schema_editor.connection):
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        model = apps.get_model(app_label, model_name)
        for index in _indexes(model_name, fields):
            schema_editor.add_index(model, index)

    def backward(apps, schema_editor):
        if not postgresql(schema_editor.connection):
            return
        model = apps.get_model(app_label, model_name)
        for index in _indexes(model_name, fields):
            schema_editor.remove_index(model, index)

    return migrations.RunPython(forward, backward, elidable=False)
