"""People sales rejected back to nurture before the recycle wait was stored wait it out too:
from their last rejection, the recycle pause of the agreement in force (90 days without one)."""

import datetime as dt

from django.db import migrations

DEFAULT_DAYS = 90


def wait_out_recycling(apps, schema_editor):
    Handoff = apps.get_model("handoff", "Handoff")
    Person = apps.get_model("crm", "Person")
    AgreementVersion = apps.get_model("agreement", "AgreementVersion")
    in_force = AgreementVersion.objects.filter(status="in_force").first()
    sla = (in_force.document_data.get("sla") or {}) if in_force else {}
    pause = dt.timedelta(days=(sla.get("recycle") or {}).get("after_days", DEFAULT_DAYS))
    nurtured = Person.objects.filter(lifecycle_stage__in=["subscriber", "lead"])
    last_rejections = (
        Handoff.objects.filter(status="rejected", person__in=nurtured, decided_at__isnull=False)
        .order_by("person_id", "decided_at")
        .values_list("person_id", "decided_at")
        .iterator(chunk_size=5000)
    )
    until = {person_id: decided_at + pause for person_id, decided_at in last_rejections}
    waiting = [
        Person(pk=person_id, recycled_until=at)
        for person_id, at in until.items()
        if at > dt.datetime.now(dt.UTC)
    ]
    Person.objects.bulk_update(waiting, ["recycled_until"], batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [
        ("handoff", "0001_initial"),
        ("crm", "0003_person_recycled_until"),
        ("agreement", "0007_lead_score_without_mql_index"),
    ]

    operations = [migrations.RunPython(wait_out_recycling, migrations.RunPython.noop)]
