"""Touches were indexed twice by campaign (the foreign key's index and one declared on the
model) and by person (the foreign key's index, and the index by person and time, whose first
column answers the same lookups). Each index is written for every touch recorded; one of each
is kept."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0002_initial'),
        ('touchpoints', '0005_touch_window_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='touchpoint',
            name='touchpoints_campaig_09ef34_idx',
        ),
        migrations.AlterField(
            model_name='touchpoint',
            name='person',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='touchpoints', to='crm.person'),
        ),
    ]
