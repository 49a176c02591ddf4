"""Explanations stored as `rule:points` codes instead of JSON with each rule's name, and the
version a score was given under without a database constraint (see `LeadScore`)."""

import json

import django.db.models.deletion
from django.db import migrations, models

from accord.scoring import check_document
from accord.scoring.engine import rule_names

# In the database, one statement per version: a million scores convert in seconds, where
# reading them into Python and back took minutes. Codes may come in any order (they are
# read back sorted); a rule's name missing from its version, which a signed version cannot
# lose, is dropped.
TO_CODES = {
    "postgresql": """
        UPDATE agreement_leadscore s SET digest = NULL, contributions = COALESCE((
            SELECT string_agg(m.value || ':' || (e.value ->> 'points'), ' ')
            FROM jsonb_array_elements(s.explanation_data) e
            JOIN jsonb_each_text(%s::jsonb) m ON m.key = e.value ->> 'rule'
        ), '') WHERE s.version_id = %s
    """,
    "sqlite": """
        UPDATE agreement_leadscore SET digest = NULL, contributions = COALESCE((
            SELECT group_concat(m.value || ':' || json_extract(e.value, '$.points'), ' ')
            FROM json_each(agreement_leadscore.explanation_data) e
            JOIN json_each(%s) m ON m.key = json_extract(e.value, '$.rule')
        ), '') WHERE version_id = %s
    """,
}


def explanations_to_codes(apps, schema_editor):
    """Each stored explanation as the codes of its version's rules. Its digest is cleared: the
    next rescore writes the score again under the new digest."""
    AgreementVersion = apps.get_model("agreement", "AgreementVersion")
    sql = TO_CODES[schema_editor.connection.vendor]
    with schema_editor.connection.cursor() as cursor:
        for version in AgreementVersion.objects.all():
            places = {}
            for place, name in enumerate(rule_names(check_document(version.document_data))):
                places.setdefault(name, str(place))
            cursor.execute(sql, [json.dumps(places), version.pk])


class Migration(migrations.Migration):
    dependencies = [
        ("agreement", "0003_lead_score_digest"),
    ]

    operations = [
        migrations.AddField(
            model_name="leadscore",
            name="contributions",
            field=models.TextField(
                blank=True,
                default="",
                help_text="The explanation, as `contribution_codes` writes it",
            ),
        ),
        migrations.RunPython(explanations_to_codes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="leadscore", name="explanation_data"),
        migrations.AlterField(
            model_name="leadscore",
            name="version",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agreement.agreementversion",
            ),
        ),
    ]
