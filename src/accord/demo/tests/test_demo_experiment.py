"""The demo company comes with a holdout experiment the dashboard shows."""

from io import StringIO

import pytest
from django.core.management import call_command

from accord.experiments.models import Experiment
from accord.touchpoints.models import Touchpoint

pytestmark = pytest.mark.django_db


def test_the_demo_holds_out_a_tenth_of_a_campaigns_audience_and_shows_its_lift(
    client, django_user_model
):
    call_command("demo", "--no-serve", "--size", "tiny", "--seed", "7", "--reset",
                 stdout=StringIO(), stderr=StringIO())  # fmt: skip
    experiment = Experiment.objects.select_related("campaign").get()
    held_out = experiment.assignments.filter(held_out=True)
    assert 0.08 < held_out.count() / experiment.assignments.count() < 0.12
    reached = Touchpoint.objects.filter(
        campaign=experiment.campaign,
        occurred_at__gte=experiment.started_at,
        person_id__in=held_out.values("person_id"),
    )
    assert not reached.exists()
    client.force_login(django_user_model.objects.get(email="marketing.head@demo.accord"))
    page = client.get("/dashboard/panels/experiments/").content.decode()
    assert experiment.campaign.name in page
    assert "Lift in conversion (95% interval)" in page and "Not measured" not in page
