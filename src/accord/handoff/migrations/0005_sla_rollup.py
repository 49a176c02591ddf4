from django.db import migrations, models


def build_rollup(apps, schema_editor):
    """The SLA's rollup of the handoffs already there (`accord.handoff.rollups.rebuild`)."""
    from accord.handoff.rollups import rebuild

    rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0011_funnel_rollups'),
        ('handoff', '0004_handoff_captured_at'),
    ]

    operations = [
        migrations.CreateModel(
            name='SlaDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('region', models.CharField(blank=True, default='', max_length=100)),
                ('industry', models.CharField(blank=True, default='', max_length=100)),
                ('handoffs', models.IntegerField()),
                ('touched', models.IntegerField()),
                ('decided', models.IntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'region', 'industry'), name='sla_day_key')],
            },
        ),
        migrations.AddIndex(
            model_name='handoff',
            index=models.Index(fields=['handed_off_at'], name='handoff_handed_off_at'),
        ),
        migrations.RunPython(build_rollup, migrations.RunPython.noop),
    ]
