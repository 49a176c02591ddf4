from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("crm_sync", "0003_problem_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="cursor",
            name="pushed",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="syncedrecord",
            name="exchanged_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="syncedrecord",
            index=models.Index(
                fields=["connection", "object", "exchanged_at"], name="synced_record_exchanged"
            ),
        ),
    ]
