"""People, accounts and deals found by a fragment of text through an index, on PostgreSQL."""

from django.db import migrations

from accord.crm.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("crm", "0003_person_recycled_until")]

    operations = [
        trigram_indexes("crm", "person", ("email", "first_name", "last_name")),
        trigram_indexes("crm", "account", ("name", "domain")),
        trigram_indexes("crm", "opportunity", ("name",)),
    ]
