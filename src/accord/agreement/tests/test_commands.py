import json

import pytest
from django.core.management import CommandError, call_command
from tests.factories import PersonFactory, TouchpointFactory

from accord.agreement.models import LeadScore
from accord.agreement.services import do_create_draft
from accord.agreement.tests.conftest import document_data


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_score_all_rescores_everybody_and_reports_new_mqls(signed_in_force):
    hot = PersonFactory()
    TouchpointFactory.create_batch(2, person=hot, kind="form_fill")
    PersonFactory.create_batch(3)

    output = run("score", "--all", "--no-progress")

    assert output.strip() == (
        "Scored 4 people under agreement v1: 4 scores changed, "
        "1 qualify as MQLs, 1 newly moved to MQL."
    )
    assert LeadScore.objects.count() == 4
    assert "0 scores changed" in run("score", "--all", "--no-progress")


def test_score_some_people(signed_in_force):
    person = PersonFactory()
    run("score", str(person.pk))
    assert LeadScore.objects.get(person=person).total == 60


def test_score_needs_an_agreement_in_force(db):
    with pytest.raises(CommandError, match="no agreement is in force yet"):
        run("score", "--all")


def test_agreement_list_show_and_diff(signed_in_force, rep):
    do_create_draft(rep, document_data(engagement={"half_life_days": 14}))

    listing = run("agreement", "list").splitlines()
    assert listing[0].startswith("v2    Draft")
    assert "signed by marketing: Maria Head, sales: Sam Head" in listing[1]
    assert json.loads(run("agreement", "show"))["threshold"]["min_total"] == 75
    assert run("agreement", "diff", "1", "2").strip() == "Engagement half-life: 30 → 14 days"
