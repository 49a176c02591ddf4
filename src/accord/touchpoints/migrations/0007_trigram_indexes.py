"""Campaigns found by a fragment of their name or UTM through an index, on PostgreSQL."""

from django.db import migrations

from accord.crm.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("touchpoints", "0006_touch_indexes_once"), ("crm", "0004_trigram_indexes")]

    operations = [trigram_indexes("touchpoints", "campaign", ("name", "utm_campaign"))]
