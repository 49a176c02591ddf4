"""A lead sales rejected back to nurture is not an MQL again before the agreement's recycle pause
(`sla.recycle.after_days`) is over, whichever path would promote it."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.management.base import CommandError

from accord.agreement.services import do_rescore_all, do_rescore_people
from accord.crm.models import LifecycleStage, Person
from accord.handoff.models import Handoff, RoutingMember, RoutingRule
from accord.handoff.routing import do_route
from accord.handoff.selectors import terms_in_force
from accord.handoff.services import check_terms, do_reject
from accord.imports.tests.helpers import run_import, write_csv
from accord.teams.models import ApiToken
from accord.teams.tokens import do_create_token
from tests.factories import AccountFactory, PersonFactory

REJECTED_AT = dt.datetime(2026, 11, 30, 15, tzinfo=dt.UTC)
TWO_MINUTES_LATER = REJECTED_AT + dt.timedelta(minutes=2)
AFTER_THE_WAIT = REJECTED_AT + dt.timedelta(days=91)


@pytest.fixture
def rejected(agreement_in_force, sales_team, rep):
    """A VP of a software company the agreement made an MQL, routed to a rep who rejected
    them for no budget: back to nurture."""
    rule = RoutingRule.objects.create(position=10, team=sales_team)
    RoutingMember.objects.create(rule=rule, user=rep)
    account = AccountFactory(industry="Software", employee_count=500, region="EMEA")
    person = PersonFactory(account=account, seniority="vp", is_decision_maker=True)
    with time_machine.travel(REJECTED_AT - dt.timedelta(hours=1), tick=False):
        do_rescore_people([person.pk])
        person.refresh_from_db()
        assert person.lifecycle_stage == LifecycleStage.MQL
        handoff = do_route(person, terms_in_force())
    do_reject(handoff, rep, "no_budget", "", check_terms(), at=REJECTED_AT)
    person.refresh_from_db()
    assert person.lifecycle_stage == LifecycleStage.LEAD
    return person


def stage(person) -> str:
    return Person.objects.get(pk=person.pk).lifecycle_stage


def capture_key(user) -> dict:
    return {"Authorization": f"Bearer {do_create_token(user, 'web', ApiToken.Scope.CAPTURE)[1]}"}


def test_the_wait_is_the_agreements(rejected):
    assert rejected.recycled_until == REJECTED_AT + dt.timedelta(days=90)


def test_rescoring_everybody_leaves_them_in_nurture_until_the_wait_is_over(rejected):
    with time_machine.travel(TWO_MINUTES_LATER, tick=False):
        result = do_rescore_all()
    assert (stage(rejected), result.new_mqls) == (LifecycleStage.LEAD, 0)

    with time_machine.travel(AFTER_THE_WAIT, tick=False):
        result = do_rescore_all()
    assert (stage(rejected), result.new_mqls) == (LifecycleStage.MQL, 1)


def test_a_new_form_fill_does_not_send_them_back_to_sales(rejected, client, marketer):
    with time_machine.travel(TWO_MINUTES_LATER, tick=False):
        response = client.post(
            "/api/v1/leads?wait=10",
            json.dumps({"email": rejected.email, "form_name": "Pricing"}),
            content_type="application/json",
            headers=capture_key(marketer),
        )

    assert response.status_code == 200
    answer = response.json()
    assert (answer["status"], answer["lifecycle_stage"], answer["handoff_id"]) == (
        "scored",
        "lead",
        None,
    )
    assert Handoff.objects.filter(person=rejected).count() == 1


def test_a_batch_of_touches_does_not_send_them_back_to_sales(rejected, client, marketer):
    touch = {"email": rejected.email, "type": "form_fill", "occurred_at": "2026-11-30T15:01Z"}
    with time_machine.travel(TWO_MINUTES_LATER, tick=False):
        response = client.post(
            "/api/v1/touchpoints/batch?wait=10",
            json.dumps({"touchpoints": [touch]}),
            content_type="application/json",
            headers=capture_key(marketer),
        )

    assert response.status_code == 201, response.content
    assert response.json()["handoff_ids"] == []
    assert stage(rejected) == LifecycleStage.LEAD


def test_an_import_saying_mql_is_refused_naming_the_row(rejected, tmp_path):
    path = write_csv(
        tmp_path,
        "contacts.csv",
        "Record ID,First Name,Last Name,Email,Lifecycle Stage\n"
        f"7,Pat,Person,{rejected.email},Marketing Qualified Lead\n",
    )

    with time_machine.travel(TWO_MINUTES_LATER, tick=False):
        with pytest.raises(CommandError) as refused:
            run_import(path)

    assert f"row 2, column Lifecycle Stage: Sales rejected {rejected.email}" in str(refused.value)
    assert "2027-02-28 15:00 UTC" in str(refused.value)
    assert stage(rejected) == LifecycleStage.LEAD


def test_making_them_an_mql_by_hand_is_refused_with_the_date(rejected, api_as, marketer):
    with time_machine.travel(TWO_MINUTES_LATER, tick=False):
        response = api_as(marketer).patch(f"/people/{rejected.pk}", {"lifecycle_stage": "mql"})

    assert response.status_code == 422
    assert "lifecycle_stage" in response.content.decode()
    assert "2027-02-28" in response.content.decode()
    assert stage(rejected) == LifecycleStage.LEAD


def test_by_hand_after_the_wait_is_allowed(rejected, api_as, marketer):
    with time_machine.travel(AFTER_THE_WAIT, tick=False):
        response = api_as(marketer).patch(f"/people/{rejected.pk}", {"lifecycle_stage": "mql"})

    assert response.status_code == 200
    assert stage(rejected) == LifecycleStage.MQL


def test_their_page_says_until_when_they_wait(rejected, client, marketer):
    client.force_login(marketer)
    with time_machine.travel(TWO_MINUTES_LATER, tick=False):
        page = client.get(f"/people/{rejected.pk}/").content.decode()

    assert "not a marketing qualified lead again before 28 Feb 2027 15:00" in page
