import datetime as dt

import pytest
from django.core.management.base import CommandError

from accord.imports.tests.helpers import FIXTURES, run_import, write_csv
from accord.touchpoints.models import Campaign, Channel, Touchpoint

HEADER = "email,occurred_at,type,channel,campaign,utm_source,utm_medium,utm_campaign,page\n"


@pytest.fixture
def people(db):
    run_import(FIXTURES / "hubspot-contacts.csv")


def test_touchpoints_attach_to_people_by_email_and_create_their_campaigns(people, tmp_path):
    path = write_csv(
        tmp_path,
        "touchpoints.csv",
        HEADER
        + "ANA.GARCIA@northwind.example,2024-03-01T09:00:00Z,ad_click,paid_search,Spring Search,"
        + "google,cpc,spring-2024,/pricing\n"
        + "dev.patel@contoso.example,2024-02-10 14:00,Event,Events,,,,,\n",
    )

    output = run_import(path)

    assert "touchpoints            2 created" in output
    click = Touchpoint.objects.get(kind=Touchpoint.Kind.AD_CLICK)
    assert click.person.email == "ana.garcia@northwind.example"
    assert click.campaign.name == "Spring Search"
    assert click.channel == Channel.PAID_SEARCH
    assert (click.utm_source, click.page) == ("google", "/pricing")
    assert click.occurred_at == dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
    assert Campaign.objects.get().utm_campaign == "spring-2024"
    assert Touchpoint.objects.get(kind=Touchpoint.Kind.EVENT).channel == Channel.EVENTS


def test_the_same_touchpoints_file_twice_adds_nothing(people, tmp_path):
    path = write_csv(
        tmp_path,
        "touchpoints.csv",
        HEADER + "ana.garcia@northwind.example,2024-03-01T09:00:00Z,ad_click,paid_search,Spring,"
        "google,cpc,spring,/pricing\n",
    )
    run_import(path)

    output = run_import(path)

    assert "0 created          0 updated          1 unchanged" in output
    assert Touchpoint.objects.count() == 1


def test_a_touchpoint_for_someone_unknown_refuses_the_file(people, tmp_path):
    path = write_csv(
        tmp_path,
        "touchpoints.csv",
        HEADER
        + "ana.garcia@northwind.example,2024-03-01T09:00:00Z,ad_click,paid_search,,,,,\n"
        + "stranger@nowhere.example,2024-03-01T09:00:00Z,ad_click,paid_search,,,,,\n"
        + "ana.garcia@northwind.example,2024-03-01T09:00:00Z,webinar,paid_search,,,,,\n",
    )

    with pytest.raises(CommandError) as refused:
        run_import(path)

    assert "row 3, column email: no person has the e-mail stranger@nowhere.example" in str(
        refused.value
    )
    assert "row 4, column type: unknown touchpoint type 'webinar'" in str(refused.value)
    assert not Touchpoint.objects.exists()


def test_a_blank_channel_is_named_by_the_channel_rules_from_utm_tags_and_referrer(people):
    output = run_import(FIXTURES / "touchpoints.csv")

    assert "touchpoints            3 created" in output
    form = Touchpoint.objects.get(kind=Touchpoint.Kind.FORM_FILL)
    assert (form.utm_source, form.utm_medium, form.channel) == (
        "google",
        "cpc",
        Channel.PAID_SEARCH,
    )
    assert form.campaign.name == "Spring Search"
    assert Campaign.objects.count() == 1
