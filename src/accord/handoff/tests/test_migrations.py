import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accord.crm.models import Person

BEFORE = [("crm", "0002_initial"), ("handoff", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_leads_rejected_before_the_upgrade_wait_out_the_recycle_pause_from_their_rejection():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    team = apps.get_model("teams", "Team").objects.create(kind="sales", name="Sales")
    rep = apps.get_model("teams", "User").objects.create(email="rep@example.com", team=team)
    people = apps.get_model("crm", "Person").objects
    recent, long_ago = (people.create(email=f"{who}@example.com") for who in ("recent", "old"))
    now = timezone.now()
    for person, decided in (
        (recent, now - dt.timedelta(days=10)),
        (long_ago, now - dt.timedelta(days=200)),
    ):
        apps.get_model("handoff", "Handoff").objects.create(
            person=person,
            assigned_to=rep,
            team=team,
            reason="Round robin",
            status="rejected",
            reject_reason="no_budget",
            handed_off_at=decided - dt.timedelta(hours=2),
            first_touch_due_at=decided,
            decision_due_at=decided,
            decided_at=decided,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    waiting = Person.objects.get(pk=recent.pk).recycled_until
    assert waiting == now - dt.timedelta(days=10) + dt.timedelta(days=90)
    assert Person.objects.get(pk=long_ago.pk).recycled_until is None
