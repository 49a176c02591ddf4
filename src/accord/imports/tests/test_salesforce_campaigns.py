"""Salesforce campaigns, campaign members and opportunity contact roles from Data Loader files:
marketing's campaigns and the touches of those who came, and whose journey a deal credits."""

import datetime as dt

import pytest
from django.core.management.base import CommandError

from accord.crm.models import DealContact, Opportunity
from accord.imports.mappings import do_set_mapping
from accord.imports.tests.helpers import FIXTURES, run_import, write_csv
from accord.touchpoints.models import ArchivedTouch, Campaign, Channel, Touchpoint


@pytest.fixture
def org(db):
    for name in ("accounts", "leads", "contacts", "opportunities"):
        run_import(FIXTURES / f"salesforce-{name}.csv")


def test_campaigns_and_their_members_become_campaigns_and_touches(org):
    said = run_import(FIXTURES / "salesforce-campaigns.csv")
    assert "as Salesforce campaigns" in said
    run_import(FIXTURES / "salesforce-campaign-members.csv")

    webinar = Campaign.objects.get(name="Spring webinar 2024")
    assert (webinar.channel, webinar.kind, webinar.status, webinar.cost) == (
        Channel.EVENTS,
        Campaign.Kind.EVENT,
        Campaign.Status.COMPLETED,
        1500,
    )
    # "In Progress" in Salesforce: going live is the joint plan's, never an import's.
    assert Campaign.objects.get(name="Q1 newsletter").status == Campaign.Status.PLANNED
    came = Touchpoint.objects.get(person__email="emma.schmidt@fabrikam.example")
    assert (came.campaign, came.kind, came.occurred_at.date()) == (
        webinar,
        "event",
        dt.date(2024, 3, 1),
    )
    sent = Touchpoint.objects.get(person__email="olivia.brown@tailspin.example")
    assert (sent.campaign.name, sent.kind, sent.channel) == ("Q1 newsletter", "email_open", "email")
    assert sent.occurred_at == dt.datetime(2024, 1, 5, 9, tzinfo=dt.UTC)

    # The same files again change nothing.
    run_import(FIXTURES / "salesforce-campaigns.csv")
    run_import(FIXTURES / "salesforce-campaign-members.csv")
    assert Campaign.objects.count() == 2 and Touchpoint.objects.count() == 2


def test_a_campaign_type_nothing_names_waits_for_a_mapping(org):
    with pytest.raises(CommandError, match="Direct Mail"):
        run_import(FIXTURES / "salesforce-campaigns-direct-mail.csv")
    assert not Campaign.objects.exists()

    do_set_mapping("source", "Direct Mail", Channel.PAID_OTHER)
    run_import(FIXTURES / "salesforce-campaigns-direct-mail.csv")
    assert Campaign.objects.get().channel == Channel.PAID_OTHER


def test_members_of_a_campaign_not_imported_are_refused_by_row(org):
    with pytest.raises(CommandError, match="row 2.*no campaign has Salesforce id"):
        run_import(FIXTURES / "salesforce-campaign-members.csv")
    assert not Touchpoint.objects.exists()


def test_the_primary_contact_role_names_the_deals_contact(org):
    run_import(FIXTURES / "salesforce-contact-roles.csv")

    deal = Opportunity.objects.get(name="Tailspin - Pilot")
    assert deal.primary_contact.email == "olivia.brown@tailspin.example"


def test_every_contact_role_is_kept_with_its_role_and_only_the_primary_names_the_contact(
    org, tmp_path
):
    roles = write_csv(
        tmp_path,
        "roles.csv",
        '"Id","OpportunityId","ContactId","Role","IsPrimary"\n'
        '"00K5g00000AbCdAAAV","0065g00000LmNpAAAV","0035g00000PqRsAAAV","Decision Maker","true"\n'
        '"00K5g00000AbCeAAAV","0065g00000LmNoAAAV","0035g00000PqRsAAAV","Evaluator","false"\n',
    )
    said = run_import(roles)

    assert "contact roles          2 created" in said
    kept = DealContact.objects.order_by("opportunity__name")
    assert [(r.opportunity.name, r.person.email, r.role, r.is_primary) for r in kept] == [
        ("Fabrikam - 500 seats", "olivia.brown@tailspin.example", "Evaluator", False),
        ("Tailspin - Pilot", "olivia.brown@tailspin.example", "Decision Maker", True),
    ]
    assert Opportunity.objects.get(name="Fabrikam - 500 seats").primary_contact is None

    again = run_import(roles)
    assert "contact roles          0 created          0 updated          2 unchanged" in again


def test_a_member_no_longer_listed_has_its_touch_archived_and_one_who_responded_moves(
    org, tmp_path
):
    run_import(FIXTURES / "salesforce-campaigns.csv")
    members = FIXTURES / "salesforce-campaign-members.csv"
    run_import(members)
    lines = members.read_text().splitlines()
    header, olivia = lines[0], lines[2]
    responded = olivia.replace('"Sent","false","",', '"Opened","true","2024-01-09",')
    came = (
        '"00v5g00000AbCfAAAV","7015g000000AbCdAAG","","0035g00000PqRsAAAV","Attended","true",'
        '"2024-03-01","2024-02-21T09:00:00.000Z"'
    )
    # The webinar's members now: Emma was removed in Salesforce and Olivia added; Olivia has
    # answered the newsletter since.
    again = write_csv(tmp_path, "members.csv", f"{header}\n{responded}\n{came}\n")

    said = run_import(again)

    assert (
        "1 member of 'Spring webinar 2024' no longer listed (removed in Salesforce): its touch "
        "archived" in said
    )
    assert "touchpoints            1 created          1 updated          0 unchanged" in said
    olivia = Touchpoint.objects.filter(person__email="olivia.brown@tailspin.example")
    assert sorted((t.kind, t.occurred_at.date()) for t in olivia) == [
        ("email_click", dt.date(2024, 1, 9)),
        ("event", dt.date(2024, 3, 1)),
    ]
    archived = ArchivedTouch.objects.get()
    assert (archived.person.email, archived.campaign.name, archived.kind) == (
        "emma.schmidt@fabrikam.example",
        "Spring webinar 2024",
        "event",
    )
    assert "no longer a member of the campaign in import members.csv" in archived.reason

    # Listed again, the member makes a touch again; the archived one stays as it was (and
    # Olivia, no longer listed in the webinar, has hers archived).
    run_import(members)
    assert Touchpoint.objects.filter(person__email="emma.schmidt@fabrikam.example").count() == 1
    assert sorted(ArchivedTouch.objects.values_list("person__email", flat=True)) == [
        "emma.schmidt@fabrikam.example",
        "olivia.brown@tailspin.example",
    ]


def test_a_campaign_whose_every_member_was_removed_is_named_and_emptied_when_told(org, tmp_path):
    run_import(FIXTURES / "salesforce-campaigns.csv")
    members = FIXTURES / "salesforce-campaign-members.csv"
    run_import(members)
    header, webinar, newsletter = members.read_text().splitlines()[:3]
    # Olivia, the newsletter's one member, was removed from it in Salesforce: the export has
    # no row for the newsletter at all.
    now = write_csv(tmp_path, "members.csv", f"{header}\n{webinar}\n")

    said = run_import(now, "--dry-run")

    assert (
        "'Q1 newsletter' has no row in this file: the touches of its 1 member "
        "imported before are kept; if every member was removed in Salesforce, import it with "
        "--emptied-campaign 7015g000000AbCeAAG" in said
    )
    run_import(now)
    assert not ArchivedTouch.objects.exists()

    said = run_import(now, "--emptied-campaign", "7015g000000AbCeAAG")

    assert (
        "every member of 'Q1 newsletter' removed in Salesforce (--emptied-campaign "
        "7015g000000AbCeAAG): 1 touch archived" in said
    )
    archived = ArchivedTouch.objects.get()
    assert (archived.person.email, archived.campaign.name) == (
        "olivia.brown@tailspin.example",
        "Q1 newsletter",
    )
    assert Touchpoint.objects.filter(campaign__name="Spring webinar 2024").count() == 1
    assert "has no row" not in run_import(now)  # nothing of it left to keep


def test_an_emptied_campaign_the_file_lists_or_no_campaign_has_refuses_the_file(org, tmp_path):
    run_import(FIXTURES / "salesforce-campaigns.csv")
    members = FIXTURES / "salesforce-campaign-members.csv"

    with pytest.raises(CommandError, match="the file lists members of that campaign"):
        run_import(members, "--emptied-campaign", "7015g000000AbCeAAG")
    with pytest.raises(CommandError, match="no campaign has Salesforce id '701NOSUCH'"):
        run_import(members, "--emptied-campaign", "701NOSUCH")
    assert not Touchpoint.objects.filter(campaign__isnull=False).exists()
