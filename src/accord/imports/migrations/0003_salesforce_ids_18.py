"""Salesforce ids stored as reports write them (15 characters) take their 18-character form, the
one imports now store, so a later Data Loader or API file (18 characters) meets them."""

from django.db import migrations

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def eighteen(value: str) -> str:
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, c in enumerate(value[start : start + 5]) if "A" <= c <= "Z")
        suffix += ALPHABET[bits]
    return value + suffix


def complete_ids(apps, schema_editor):
    SourceRecord = apps.get_model("crm", "SourceRecord")
    short = SourceRecord.objects.filter(system="salesforce", external_id__regex=r"^[0-9A-Za-z]{15}$")
    for record in short.iterator():
        full = eighteen(record.external_id)
        same = SourceRecord.objects.filter(
            system="salesforce", object_type=record.object_type, external_id=full
        )
        if same.exists():  # the long form is stored already: the short one is its duplicate
            record.delete()
        else:
            record.external_id = full
            record.save(update_fields=["external_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_reading_options"),
        ("crm", "0005_person_without_email"),
    ]

    operations = [migrations.RunPython(complete_ids, migrations.RunPython.noop)]
