"""Syncing with a Salesforce org on loopback through simple-salesforce: what a head sees in
Accord after a sync, and what sales sees in Salesforce after Accord writes back."""

import pytest
from django.utils import timezone

from accord.agreement.models import LeadScore
from accord.crm.models import Account, LifecycleStage, Opportunity, Person, SourceRecord
from accord.crm_sync.models import Connection, Cursor, SyncProblem, SyncRun
from accord.crm_sync.salesforce.client import Credentials, Pacer
from accord.crm_sync.salesforce.connector import Salesforce, from_connection
from accord.crm_sync.services import do_sync, do_sync_every_connection
from accord.imports.mappings import do_set_mapping


@pytest.fixture
def connection(db):
    return Connection.objects.create(kind=Connection.Kind.SALESFORCE)


@pytest.fixture
def waits():
    return []


@pytest.fixture
def sync(connection, salesforce, waits):
    def run(full=False, progress=None):
        creds = Credentials(url=salesforce.url, token=salesforce.token)
        connector = Salesforce(creds, pacer=Pacer(sleep=waits.append))
        return do_sync(connection, connector, full=full, progress=progress)

    return run


def add_lead(org, n, **fields):
    values = {
        "Email": f"lead{n}@acme.example",
        "FirstName": f"Lena{n}",
        "LastName": "Lead",
        "Company": "Acme",
        "Status": "Open - Not Contacted",
    }
    return org.create("Lead", **(values | fields))


def test_accounts_leads_contacts_and_deals_arrive_linked_with_their_owners(sync, salesforce, rep):
    owner = salesforce.create("User", Email=rep.email.upper(), LastName="Rep", IsActive=True)
    account = salesforce.create("Account", Name="Acme", Website="acme.example", OwnerId=owner)
    contact = salesforce.create(
        "Contact", Email="cara@acme.example", LastName="Contact", AccountId=account
    )
    lead = add_lead(salesforce, 1, Status="Working - Contacted", OwnerId=owner)
    salesforce.create(
        "Opportunity",
        Name="Acme deal",
        AccountId=account,
        StageName="Negotiation/Review",
        Amount=12000.0,
        CloseDate="2026-03-31",
        OwnerId=owner,
    )

    run = sync()

    assert run.status == SyncRun.Status.DONE, run.message
    acme = Account.objects.get(name="Acme")
    assert acme.owner == rep
    assert Person.objects.get(email="cara@acme.example").account == acme
    lena = Person.objects.get(email="lead1@acme.example")
    assert (lena.lead_status, lena.lifecycle_stage) == ("Working - Contacted", LifecycleStage.SAL)
    assert lena.owner == rep
    deal = Opportunity.objects.get()
    assert (deal.stage, deal.amount, deal.account) == ("negotiation", 12000, acme)
    assert run.counts["Lead"]["pulled"] == 1 and run.counts["Contact"]["pulled"] == 1
    kept = SourceRecord.objects.filter(system="salesforce", object_type="person")
    assert set(kept.values_list("external_id", flat=True)) == {lead, contact}


def test_pages_are_followed_and_a_later_sync_pulls_only_what_changed(sync, salesforce):
    ids = [add_lead(salesforce, n) for n in range(7)]
    salesforce.batch_size = 3

    seen = []
    sync(progress=lambda p: seen.append((p.object.name, p.done, p.total)))
    assert [s for s in seen if s[0] == "Lead"][:3] == [
        ("Lead", 3, 7),
        ("Lead", 6, 7),
        ("Lead", 7, 7),
    ]
    salesforce.update("Lead", ids[2], Title="CFO")
    salesforce.calls.clear()
    second = sync()

    assert Person.objects.count() == 7
    assert second.counts["Lead"]["pulled"] == 1
    assert Person.objects.get(email="lead2@acme.example").title == "CFO"
    cursor = Cursor.objects.get(connection__kind="salesforce", object="Lead").value
    assert cursor == {
        "modstamp": salesforce.get("Lead", ids[2])["SystemModstamp"],
        "id": ids[2],
        "full": False,
    }


def test_a_custom_status_or_stage_waits_for_a_mapping_and_is_listed_meanwhile(sync, salesforce):
    odd = add_lead(salesforce, 1, Status="Nurturing")
    add_lead(salesforce, 2)

    run = sync()

    problem = SyncProblem.objects.get(run=run, direction="pull")
    assert problem.remote_id == odd
    assert "unknown lifecycle stage 'Nurturing'" in problem.reason
    assert "accord mappings set lifecycle_stage" in problem.reason
    assert Person.objects.count() == 1

    do_set_mapping("lifecycle_stage", "Nurturing", "lead")
    salesforce.update("Lead", odd, Title="Analyst")
    sync()
    assert Person.objects.get(email="lead1@acme.example").lifecycle_stage == LifecycleStage.LEAD


def test_a_record_modified_during_the_sync_ends_with_its_last_values(sync, salesforce):
    ids = [add_lead(salesforce, n) for n in range(6)]
    salesforce.batch_size = 2

    def edit_while_paging(locator, batch):
        if batch == 2:  # page 1 is written; someone edits a lead of the first page
            salesforce.update("Lead", ids[0], Title="Edited midway")
            salesforce.before_page = None

    salesforce.before_page = edit_while_paging
    sync()
    sync()

    assert Person.objects.count() == 6
    assert Person.objects.get(email="lead0@acme.example").title == "Edited midway"


def test_deleted_and_merged_leads_follow_salesforce(sync, salesforce):
    master = add_lead(salesforce, 1)
    duplicate = add_lead(salesforce, 2)
    gone = add_lead(salesforce, 3)
    sync()

    salesforce.merge("Lead", master, duplicate)
    salesforce.delete("Lead", gone)
    run = sync()

    kept = Person.objects.filter(archived_at__isnull=True)
    assert set(kept.values_list("email", flat=True)) == {"lead1@acme.example"}
    assert Person.objects.get(email="lead2@acme.example").merged_into.email == "lead1@acme.example"
    assert Person.objects.get(email="lead3@acme.example").archived_at is not None
    assert run.counts["Lead"]["removed"] == 2


def test_a_busy_org_is_waited_out_and_the_sync_finishes(sync, salesforce, waits):
    add_lead(salesforce, 1)
    salesforce.throttle(3, retry_after=2)

    run = sync()

    assert run.status == SyncRun.Status.DONE
    assert waits == [2.0, 2.0, 2.0]
    assert Person.objects.count() == 1


def test_a_nearly_spent_daily_limit_stops_the_sync_politely(sync, salesforce, connection):
    add_lead(salesforce, 1)
    salesforce.daily_limit, salesforce.api_used = 1000, 990

    run = sync()

    assert run.status == SyncRun.Status.FAILED
    assert "10 of the org's 1000 daily API requests are left" in run.message
    assert Person.objects.count() == 0
    assert salesforce.api_used == 990  # reading /limits costs nothing


def _score(person, total, grade):
    LeadScore.objects.create(
        person=person,
        version_id=1,
        fit=total,
        fit_grade=grade,
        engagement=0,
        total=total,
        is_mql=True,
        scored_at=timezone.now(),  # as a rescoring stamps what it changed
    )


def test_scores_are_written_back_once_and_a_refused_lead_is_listed(sync, salesforce):
    salesforce.add_accord_fields("Lead", "Contact")
    ids = [add_lead(salesforce, n) for n in range(3)]
    sync()
    for n, person in enumerate(Person.objects.order_by("email")):
        _score(person, 80 + n, "A")
    salesforce.refuse_writes[ids[1]] = ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Scores are locked")

    run = sync()

    assert [salesforce.get("Lead", i)["Accord_Score__c"] for i in ids] == [80, None, 82]
    assert salesforce.get("Lead", ids[0])["Accord_Grade__c"] == "A"
    assert run.counts["Lead"]["pushed"] == 2 and run.counts["Lead"]["push_failed"] == 1
    problem = SyncProblem.objects.get(run=run, direction="push")
    assert (problem.remote_id, problem.reason) == (
        ids[1],
        "FIELD_CUSTOM_VALIDATION_EXCEPTION: Scores are locked",
    )

    # Salesforce's copies of Accord's scores come back on the next pull; nothing is echoed.
    salesforce.calls.clear()
    del salesforce.refuse_writes[ids[1]]
    sync()
    patches = [p for m, p in salesforce.calls if m == "PATCH"]
    assert len(patches) == 1
    assert salesforce.get("Lead", ids[1])["Accord_Score__c"] == 81
    salesforce.calls.clear()
    sync()
    assert [m for m, _ in salesforce.calls if m == "PATCH"] == []


def test_a_lead_accord_accepted_gets_its_status_and_owner_in_salesforce(sync, salesforce, rep):
    owner = salesforce.create("User", Email=rep.email, LastName="Rep", IsActive=True)
    lead = add_lead(salesforce, 1)
    sync()
    Person.objects.filter(email="lead1@acme.example").update(
        lifecycle_stage=LifecycleStage.SAL, owner=rep, updated_at=timezone.now()
    )

    sync()

    assert salesforce.get("Lead", lead)["Status"] == "Working - Contacted"
    assert salesforce.get("Lead", lead)["OwnerId"] == owner


def test_missing_custom_fields_are_listed_with_what_to_create(sync, salesforce):
    add_lead(salesforce, 1)
    sync()
    _score(Person.objects.get(), 90, "A")

    run = sync()

    reasons = list(
        SyncProblem.objects.filter(run=run, object="Lead").values_list("reason", flat=True)
    )
    assert any(
        "Salesforce Lead has no field Accord_Score__c" in r and '"type": "Number"' in r
        for r in reasons
    )
    assert any("Accord_MQL_At__c" in r and '"type": "DateTime"' in r for r in reasons)
    assert [m for m, _ in salesforce.calls if m == "PATCH"] == []


def test_a_sync_killed_midway_and_run_again_has_everything_once(sync, salesforce):
    ids = [add_lead(salesforce, n) for n in range(9)]
    salesforce.batch_size = 2

    def kill(progress):
        if progress.object.name == "Lead" and progress.done == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync(full=True, progress=kill)
    assert Person.objects.count() == 4
    cursor = Cursor.objects.get(object="Lead").value
    assert (cursor["id"], cursor["full"]) == (ids[3], True)

    sync(full=True)

    assert Person.objects.count() == 9
    assert sorted(Person.objects.values_list("email", flat=True)) == sorted(
        f"lead{n}@acme.example" for n in range(9)
    )
    cursor = Cursor.objects.get(object="Lead").value
    assert cursor == {
        "modstamp": salesforce.get("Lead", ids[-1])["SystemModstamp"],
        "id": ids[-1],
        "full": False,
    }


def test_a_revoked_token_fails_the_run_with_a_clear_reason(connection, salesforce):
    connection.secret = "revoked-token"
    connection.base_url = salesforce.url
    connection.save()

    run = do_sync(connection, from_connection(connection))

    connection.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert "expired or revoked" in connection.last_error


def test_environment_credentials_win_over_the_stored_ones(connection, salesforce, monkeypatch):
    add_lead(salesforce, 1)
    connection.secret = "stale"
    connection.save()
    monkeypatch.setenv("ACCORD_SALESFORCE_TOKEN", salesforce.token)
    monkeypatch.setenv("ACCORD_SALESFORCE_URL", salesforce.url)

    run = do_sync(connection, from_connection(connection))

    assert run.status == SyncRun.Status.DONE
    assert Person.objects.count() == 1


def test_an_opportunitys_primary_contact_role_names_its_contact(sync, salesforce):
    account = salesforce.create("Account", Name="Acme")
    buyer = salesforce.create(
        "Contact", Email="buyer@acme.example", LastName="B", AccountId=account
    )
    other = salesforce.create(
        "Contact", Email="other@acme.example", LastName="O", AccountId=account
    )
    deal = salesforce.create("Opportunity", Name="Deal", AccountId=account, StageName="Prospecting")
    salesforce.create(
        "OpportunityContactRole", OpportunityId=deal, ContactId=other, IsPrimary=False
    )
    salesforce.create("OpportunityContactRole", OpportunityId=deal, ContactId=buyer, IsPrimary=True)

    sync()

    assert Opportunity.objects.get().primary_contact.email == "buyer@acme.example"


def test_a_converted_lead_is_written_through_its_contact(sync, salesforce):
    salesforce.add_accord_fields("Lead", "Contact")
    lead = add_lead(salesforce, 1)
    sync()
    contact = salesforce.convert(lead)
    sync()
    _score(Person.objects.get(), 88, "A")

    run = sync()

    assert Person.objects.count() == 1
    assert salesforce.get("Contact", contact)["Accord_Score__c"] == 88
    assert not SyncProblem.objects.filter(run=run).exists()


@pytest.mark.parametrize("flow", ["token", "client credentials"])
def test_the_worker_syncs_salesforce_configured_by_the_environment(
    db, salesforce, monkeypatch, flow
):
    add_lead(salesforce, 1)
    monkeypatch.setenv("ACCORD_SALESFORCE_URL", salesforce.url)
    if flow == "token":
        monkeypatch.setenv("ACCORD_SALESFORCE_TOKEN", salesforce.token)
    else:
        monkeypatch.setenv("ACCORD_SALESFORCE_CLIENT_ID", salesforce.client_id)
        monkeypatch.setenv("ACCORD_SALESFORCE_CLIENT_SECRET", salesforce.client_secret)

    runs = do_sync_every_connection()

    assert [(r.connection.kind, r.status) for r in runs] == [("salesforce", SyncRun.Status.DONE)]
    assert Person.objects.get().email == "lead1@acme.example"


def test_a_lead_the_rep_works_in_salesforce_is_their_accept_of_the_handoff(
    sync, salesforce, rep, sales_team
):
    from accord.handoff.models import Handoff, RoutingMember, RoutingRule
    from accord.handoff.routing import do_route
    from accord.handoff.terms import SlaTerms

    lead = add_lead(salesforce, 1)
    sync()
    person = Person.objects.get()
    Person.objects.filter(pk=person.pk).update(lifecycle_stage=LifecycleStage.MQL)
    rule = RoutingRule.objects.create(position=10, kind="round_robin", team=sales_team)
    RoutingMember.objects.create(rule=rule, user=rep)
    terms = SlaTerms(first_touch_hours=4, decision_days=2, recycle_to={}, agreement_version=1)
    handoff = do_route(Person.objects.get(), terms)

    salesforce.update("Lead", lead, Status="Working - Contacted")
    run = sync()

    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.ACCEPTED and handoff.decided_at is not None
    change = person.lifecycle_changes.order_by("id").last()
    assert (change.to_stage, change.changed_by, change.reason) == (
        LifecycleStage.SAL,
        rep,
        "accepted by rep in Salesforce",
    )
    assert not SyncProblem.objects.filter(run=run, direction="pull").exists()
    # The rep's status stays in Salesforce: nothing is written over it.
    assert salesforce.get("Lead", lead)["Status"] == "Working - Contacted"
