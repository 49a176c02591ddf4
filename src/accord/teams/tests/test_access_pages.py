"""The pages offer a button only to whom `teams.access` lets through, and the service agrees."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.goals.models import ActionItem, Meeting


def _liaison_forms(client, user, people) -> dict[str, bool]:
    client.force_login(user)
    page = client.get(reverse("goals:people")).content.decode()
    return {
        name: reverse("goals:set_liaison", args=[person.pk]) in page
        for name, person in people.items()
    }


def test_the_people_page_offers_the_liaison_box_for_the_viewers_own_team_only(
    client, rep, marketer, sales_head, marketing_head, admin_user
):
    people = {"rep": rep, "marketer": marketer}

    assert _liaison_forms(client, sales_head, people) == {"rep": True, "marketer": False}
    assert _liaison_forms(client, marketing_head, people) == {"rep": False, "marketer": True}
    assert _liaison_forms(client, admin_user, people) == {"rep": True, "marketer": True}
    assert _liaison_forms(client, rep, people) == {"rep": False, "marketer": False}


@pytest.fixture
def item(rep):
    meeting = Meeting.objects.create(held_on=timezone.localdate(), title="Weekly")
    return ActionItem.objects.create(meeting=meeting, text="Call back the webinar leads", owner=rep)


@pytest.mark.parametrize("page", ["meeting", "meetings"])
def test_the_done_button_shows_to_the_items_owner_and_to_whoever_runs_the_meeting(
    client, item, rep, other_rep, marketer, sales_head, page
):
    url = reverse("goals:meeting", args=[item.meeting_id]) if page == "meeting" else None
    done = reverse("goals:item_done", args=[item.pk])
    offered = {}
    for name, user in {
        "owner": rep,
        "other rep": other_rep,
        "marketer": marketer,
        "sales head": sales_head,
    }.items():
        client.force_login(user)
        offered[name] = done in client.get(url or reverse("goals:meetings")).content.decode()

    assert offered == {"owner": True, "other rep": False, "marketer": False, "sales head": True}


def test_an_action_item_is_closed_only_by_those_the_page_offers_it_to(client, item, other_rep):
    client.force_login(other_rep)
    client.post(reverse("goals:item_done", args=[item.pk]))
    item.refresh_from_db()
    assert item.done_at is None

    client.force_login(item.owner)
    client.post(reverse("goals:item_done", args=[item.pk]))
    item.refresh_from_db()
    assert item.done_at is not None
    assert item.done_at <= timezone.now() + dt.timedelta(seconds=1)
