"""Liaisons, the directory of both teams, and sign-ups to shadow or rotate."""

import datetime as dt

import pytest
from django.utils import timezone

from accord.audit.models import AuditEntry
from accord.crm.services import InvalidChange
from accord.goals.models import Rotation
from accord.goals.people import do_set_liaison, do_sign_up, liaisons, team_directory
from accord.teams.access import AccessDenied

pytestmark = pytest.mark.django_db


def test_a_head_names_a_liaison_of_their_team_and_the_trail_keeps_it(sales_head, rep):
    do_set_liaison(sales_head, rep, True)

    assert liaisons() == [rep]
    entry = AuditEntry.objects.get(record_type="user", field="is_liaison")
    assert (entry.old_value, entry.new_value, entry.actor) == ("False", "True", sales_head)


def test_a_head_may_not_name_the_other_teams_liaison_nor_a_rep_anyone(
    marketing_head, rep, other_rep
):
    with pytest.raises(AccessDenied):
        do_set_liaison(marketing_head, rep, True)
    with pytest.raises(AccessDenied):
        do_set_liaison(other_rep, rep, True)


def test_the_directory_lists_both_teams_with_liaisons_first(
    marketing_head, marketer, sales_head, rep, other_rep
):
    do_set_liaison(sales_head, other_rep, True)

    directory = {team.kind: members for team, members in team_directory()}

    assert directory["marketing"] == [marketing_head, marketer]
    assert directory["sales"][0] == other_rep
    assert set(directory["sales"]) == {sales_head, rep, other_rep}


def test_a_rep_signs_up_to_shadow_marketing(rep, marketing_team):
    today = timezone.localdate()

    stay = do_sign_up(rep, kind="shadowing", starts_on=today, ends_on=today + dt.timedelta(days=2))

    assert (stay.host_team, stay.get_kind_display()) == (marketing_team, "Job shadowing")


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(-1, 2, "starts_on"), (3, 2, "ends_on"), (0, 200, "ends_on")],
)
def test_dates_that_make_no_sense_are_refused(marketer, sales_team, start, end, field):
    today = timezone.localdate()
    with pytest.raises(InvalidChange) as refused:
        do_sign_up(
            marketer,
            kind="rotation",
            starts_on=today + dt.timedelta(days=start),
            ends_on=today + dt.timedelta(days=end),
        )
    assert refused.value.field == field
    assert not Rotation.objects.exists()


def test_two_stays_at_once_are_refused(marketer, sales_team):
    today = timezone.localdate()
    do_sign_up(marketer, kind="rotation", starts_on=today, ends_on=today + dt.timedelta(days=9))

    with pytest.raises(InvalidChange, match="already signed up"):
        do_sign_up(
            marketer,
            kind="shadowing",
            starts_on=today + dt.timedelta(days=5),
            ends_on=today + dt.timedelta(days=6),
        )


def test_the_people_page_shows_liaisons_and_takes_a_sign_up(client, sales_head, rep, marketer):
    do_set_liaison(sales_head, rep, True)
    client.force_login(marketer)
    today = timezone.localdate()

    response = client.post(
        "/goals/people/sign-up/",
        {"kind": "shadowing", "starts_on": today, "ends_on": today, "note": "ride along"},
    )
    page = client.get(response["Location"]).content.decode()

    assert "Ray Rep (Sales)" in page
    assert "Mia Marketer</td><td>Job shadowing</td><td>Sales</td>" in page


def test_a_head_ticks_a_liaison_on_the_people_page(client, marketing_head, marketer):
    client.force_login(marketing_head)

    client.post(f"/goals/people/{marketer.pk}/liaison/", {"is_liaison": "on"})

    marketer.refresh_from_db()
    assert marketer.is_liaison
