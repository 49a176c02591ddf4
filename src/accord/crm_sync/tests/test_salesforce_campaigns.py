"""Salesforce campaigns, their members and the contact roles of opportunities, pulled through
simple-salesforce from the org on loopback: what marketing sees in Accord's campaigns and
touches, and whose journey a deal's revenue is credited to."""

import datetime as dt

import pytest

from accord.audit.models import AuditEntry
from accord.crm.models import Opportunity, Person
from accord.crm_sync.models import Connection, SyncProblem, SyncRun
from accord.crm_sync.salesforce.client import Credentials, Pacer
from accord.crm_sync.salesforce.connector import Salesforce
from accord.crm_sync.services import do_sync
from accord.imports.mappings import do_set_mapping
from accord.touchpoints.models import ArchivedTouch, Campaign, Channel, Touchpoint


@pytest.fixture
def sync(db, salesforce):
    connection = Connection.objects.create(kind=Connection.Kind.SALESFORCE)

    def run(full=False):
        creds = Credentials(url=salesforce.url, token=salesforce.token)
        return do_sync(connection, Salesforce(creds, pacer=Pacer(sleep=lambda s: None)), full=full)

    return run


def _lead(org, n):
    return org.create(
        "Lead",
        Email=f"lead{n}@acme.example",
        LastName="Lead",
        Company="Acme",
        Status="Open - Not Contacted",
    )


def test_a_campaign_and_its_responses_become_a_campaign_and_touches(sync, salesforce):
    webinar = salesforce.create(
        "Campaign", Name="Spring webinar", Type="Webinar", Status="Completed", ActualCost=1500.0
    )
    mailing = salesforce.create("Campaign", Name="March newsletter", Type="Email")
    responded, invited = _lead(salesforce, 1), _lead(salesforce, 2)
    salesforce.create(
        "CampaignMember",
        CampaignId=webinar,
        LeadId=responded,
        HasResponded=True,
        FirstRespondedDate="2026-01-20",
    )
    salesforce.create("CampaignMember", CampaignId=mailing, LeadId=invited, HasResponded=False)

    run = sync()

    assert run.status == SyncRun.Status.DONE, run.message
    assert SyncProblem.objects.filter(run=run, direction="pull").count() == 0
    spring = Campaign.objects.get(name="Spring webinar")
    assert (spring.channel, spring.kind, spring.status, spring.cost) == (
        Channel.EVENTS,
        Campaign.Kind.EVENT,
        Campaign.Status.COMPLETED,
        1500,
    )
    touch = Touchpoint.objects.get(person__email="lead1@acme.example")
    assert (touch.campaign, touch.channel, touch.kind) == (spring, Channel.EVENTS, "event")
    assert touch.occurred_at == dt.datetime(2026, 1, 20, tzinfo=dt.UTC)
    # Not responded: a touch when they joined (the member's CreatedDate), an e-mail opened.
    opened = Touchpoint.objects.get(person__email="lead2@acme.example")
    assert (opened.campaign.name, opened.kind) == ("March newsletter", "email_open")
    assert run.counts["CampaignMember"]["pulled"] == 2

    # Pulled again, nothing is twice.
    salesforce.update("Campaign", webinar, Status="Completed")
    sync(full=True)
    assert Touchpoint.objects.count() == 2 and Campaign.objects.count() == 2


def test_a_campaign_type_nothing_names_waits_for_a_mapping_never_guessed(sync, salesforce):
    direct = salesforce.create("Campaign", Name="Postcards", Type="Direct Mail")
    member = salesforce.create(
        "CampaignMember", CampaignId=direct, LeadId=_lead(salesforce, 1), HasResponded=False
    )

    run = sync()

    problems = SyncProblem.objects.filter(run=run, direction="pull")
    reasons = dict(problems.values_list("remote_id", "reason"))
    assert "unknown campaign type 'Direct Mail'" in reasons[direct]
    assert 'accord mappings set source "Direct Mail" CHANNEL' in reasons[direct]
    assert "its campaign" in reasons[member]
    assert not Campaign.objects.exists() and not Touchpoint.objects.exists()

    do_set_mapping("source", "Direct Mail", Channel.PAID_OTHER)
    sync(full=True)
    assert Campaign.objects.get().channel == Channel.PAID_OTHER
    assert Touchpoint.objects.get().channel == Channel.PAID_OTHER


def test_a_campaign_goes_live_in_accord_only_as_the_joint_plan_allows(sync, salesforce):
    salesforce.create("Campaign", Name="Launch", Type="Webinar", Status="In Progress")

    run = sync()

    launch = Campaign.objects.get()
    assert launch.status == Campaign.Status.PLANNED
    reason = SyncProblem.objects.get(run=run, direction="pull").reason
    assert "Status 'active' not taken (the rest of the campaign is)" in reason
    assert "cannot go live on sales unannounced" in reason


def test_a_member_removed_in_salesforce_has_its_touch_archived_and_a_response_moves_it(
    sync, salesforce
):
    campaign = salesforce.create("Campaign", Name="Expo", Type="Trade Show")
    first = salesforce.create(
        "CampaignMember", CampaignId=campaign, LeadId=_lead(salesforce, 1), HasResponded=False
    )
    second = salesforce.create(
        "CampaignMember", CampaignId=campaign, LeadId=_lead(salesforce, 2), HasResponded=False
    )
    sync()

    salesforce.update("CampaignMember", first, HasResponded=True, FirstRespondedDate="2026-02-02")
    salesforce.delete("CampaignMember", second)
    run = sync()

    touch = Touchpoint.objects.get()
    assert touch.person.email == "lead1@acme.example"
    assert touch.occurred_at.date() == dt.date(2026, 2, 2)
    assert run.counts["CampaignMember"]["removed"] == 1
    assert AuditEntry.objects.filter(
        record_type="touchpoint", reason__contains="removed in Salesforce"
    ).exists()
    archived = ArchivedTouch.objects.get()
    assert (archived.person.email, archived.campaign.name) == ("lead2@acme.example", "Expo")
    assert archived.reason == f"campaign member {second} removed in Salesforce"


def test_a_campaign_whose_every_member_was_removed_has_every_touch_archived(sync, salesforce):
    campaign = salesforce.create("Campaign", Name="Expo", Type="Trade Show")
    members = [
        salesforce.create(
            "CampaignMember", CampaignId=campaign, LeadId=_lead(salesforce, n), HasResponded=False
        )
        for n in (1, 2)
    ]
    sync()

    for member in members:
        salesforce.delete("CampaignMember", member)
    run = sync()

    assert run.counts["CampaignMember"]["removed"] == 2
    assert not Touchpoint.objects.exists()
    assert sorted(ArchivedTouch.objects.values_list("person__email", flat=True)) == [
        "lead1@acme.example",
        "lead2@acme.example",
    ]
    assert Campaign.objects.get().name == "Expo"


def test_a_deleted_campaign_stays_in_accord_with_its_touches(sync, salesforce):
    campaign = salesforce.create("Campaign", Name="Old expo", Type="Trade Show")
    salesforce.create(
        "CampaignMember", CampaignId=campaign, LeadId=_lead(salesforce, 1), HasResponded=False
    )
    sync()

    salesforce.delete("Campaign", campaign)
    sync()

    assert Touchpoint.objects.get().campaign.name == "Old expo"


def test_a_contact_role_made_primary_later_names_the_deals_contact(sync, salesforce):
    account = salesforce.create("Account", Name="Acme")
    buyer = salesforce.create("Contact", Email="buyer@acme.example", LastName="B")
    champion = salesforce.create("Contact", Email="champ@acme.example", LastName="C")
    deal = salesforce.create("Opportunity", Name="Deal", AccountId=account, StageName="Prospecting")
    role = salesforce.create(
        "OpportunityContactRole", OpportunityId=deal, ContactId=buyer, IsPrimary=True
    )
    sync()
    assert Opportunity.objects.get().primary_contact.email == "buyer@acme.example"

    # The opportunity itself is not modified: the roles are followed on their own.
    salesforce.update("OpportunityContactRole", role, IsPrimary=False)
    salesforce.create(
        "OpportunityContactRole", OpportunityId=deal, ContactId=champion, IsPrimary=True
    )
    sync()
    assert Opportunity.objects.get().primary_contact.email == "champ@acme.example"
    history = AuditEntry.objects.filter(
        record_type="opportunity", field="primary_contact_id", reason__contains="in Salesforce"
    )
    ids = dict(Person.objects.values_list("email", "pk"))
    assert list(history.order_by("id").values_list("new_value", flat=True)) == [
        str(ids["buyer@acme.example"]),
        "",
        str(ids["champ@acme.example"]),
    ]

    champion_role = salesforce.records["OpportunityContactRole"]
    salesforce.delete("OpportunityContactRole", list(champion_role)[-1])
    sync()
    assert Opportunity.objects.get().primary_contact is None
    assert Person.objects.count() == 2
