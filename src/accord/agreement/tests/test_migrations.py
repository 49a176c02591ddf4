import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accord.agreement.defaults import default_document
from accord.agreement.models import LeadScore

BEFORE = [("agreement", "0003_lead_score_digest")]


@pytest.mark.django_db(transaction=True)
def test_explanations_stored_before_the_upgrade_read_the_same_after_it():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    person = apps.get_model("crm", "Person").objects.create(email="ana@example.com")
    version = apps.get_model("agreement", "AgreementVersion").objects.create(
        number=1,
        status="in_force",
        document_data=default_document().model_dump(mode="json", by_alias=True),
    )
    explanation = [
        {"rule": "Target industry", "points": 25},
        {"rule": "Engagement: form fill", "points": 12},
    ]
    apps.get_model("agreement", "LeadScore").objects.create(
        person=person,
        version=version,
        fit=25,
        fit_grade="B",
        engagement=12,
        total=37,
        is_mql=False,
        explanation_data=explanation,
        scored_at=timezone.now(),
        digest=42,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    score = LeadScore.objects.get(person_id=person.pk)
    assert [(item.rule, item.points) for item in score.explanation] == [
        ("Target industry", 25),
        ("Engagement: form fill", 12),
    ]
    assert score.digest is None  # written again, under the new digest, at the next rescore
