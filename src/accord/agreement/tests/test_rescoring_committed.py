"""Rescoring everybody outside a transaction, as `accord score --all` and the worker do: on
PostgreSQL the people and touches are then read on a connection of their own."""

import pytest
from django.db import transaction
from tests.factories import AccountFactory, PersonFactory, TouchpointFactory

from accord.agreement.models import LeadScore
from accord.agreement.services import do_rescore_all

pytestmark = pytest.mark.django_db(transaction=True)


def test_outside_a_transaction_everybody_is_scored_as_inside_one(signed_in_force):
    software = AccountFactory(industry="Software", employee_count=300)
    people = [PersonFactory(account=software), PersonFactory(), PersonFactory(email="x@gmail.com")]
    for kind in ("form_fill", "form_fill", "page_view"):
        TouchpointFactory(person=people[0], kind=kind)
    TouchpointFactory(person=people[1], kind="page_view")
    with transaction.atomic():
        inside = do_rescore_all()
    scores = dict(LeadScore.objects.values_list("person_id", "digest"))

    outside = do_rescore_all()

    assert (inside.scored, inside.changed, inside.mqls) == (3, 3, 1)
    assert (outside.scored, outside.changed, outside.mqls) == (3, 0, 1)
    assert dict(LeadScore.objects.values_list("person_id", "digest")) == scores
    assert [line.rule for line in LeadScore.objects.get(person=people[0]).explanation] == [
        "Software company",
        "Mid-market",
        "Engagement: form fill",
        "Engagement: page view",
    ]
