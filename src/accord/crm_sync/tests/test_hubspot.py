"""The sync with HubSpot, through the official client, against a stateful fake of HubSpot's
CRM v3 API on loopback (tests/fakes/hubspot.py)."""

import datetime as dt

import pytest
from django.utils import timezone
from tests.fakes.hubspot import TOKEN, FakeHubSpot

from accord.agreement.models import LeadScore
from accord.crm.models import DealContact, LifecycleStage, Opportunity, Person, PipelineStage
from accord.crm.services import do_change_lifecycle_stage
from accord.crm_sync.hubspot import HubSpot
from accord.crm_sync.models import Connection, Cursor, SyncProblem, SyncRun
from accord.crm_sync.polite import Politeness
from accord.crm_sync.services import do_connect, do_sync
from accord.touchpoints.models import Touchpoint


class Naps:
    """Politeness that records its waits instead of sleeping them."""

    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)


@pytest.fixture
def fake():
    crm = FakeHubSpot()
    with crm as url:
        crm.url = url
        yield crm


@pytest.fixture
def naps():
    return Naps()


@pytest.fixture
def sync(db, fake, naps):
    connection = do_connect(Connection.Kind.HUBSPOT, TOKEN, base_url=fake.url)

    def run(full=False, progress=None, politeness=None):
        connector = HubSpot(TOKEN, fake.url, politeness or Politeness(sleep=naps))
        return do_sync(connection, connector, full=full, progress=progress)

    run.connection = connection
    return run


def add_contact(fake, n, **props):
    return fake.add(
        "contacts",
        email=f"p{n}@acme.example",
        firstname=f"P{n}",
        lastname="Smith",
        lifecyclestage="lead",
        **props,
    )


def test_companies_contacts_and_deals_are_pulled_with_their_links(sync, fake):
    rep = fake.add_owner("rep@acme.example")
    company = fake.add("companies", name="Acme", domain="acme.example", numberofemployees="250")
    contact = add_contact(fake, 1, associatedcompanyid=company, hubspot_owner_id=rep)
    fake.add(
        "deals",
        dealname="Acme renewal",
        amount="1200.50",
        dealstage="contractsent",
        closedate="2026-11-30T00:00:00Z",
        associations={"companies": [company], "contacts": [contact]},
    )

    run = sync()

    assert run.status == SyncRun.Status.DONE, run.message
    person = Person.objects.get()
    made = fake.records["contacts"][contact].created
    assert person.created_at.timestamp() * 1000 == made  # when HubSpot made it, not the sync
    assert (person.email, person.account.name, person.account.employee_count) == (
        "p1@acme.example",
        "Acme",
        250,
    )
    deal = Opportunity.objects.get()
    assert (deal.stage, str(deal.amount), deal.account_id, deal.primary_contact_id) == (
        PipelineStage.NEGOTIATION,
        "1200.50",
        person.account_id,
        person.pk,
    )
    assert run.counts == {
        "companies": {"pulled": 1},
        "contacts": {"pulled": 1},
        "deals": {"pulled": 1},
    }


def test_the_list_is_paged_and_later_syncs_pull_only_changes(sync, fake):
    ids = [add_contact(fake, n) for n in range(250)]
    sync()
    assert Person.objects.count() == 250
    searched_before = len([p for _, p, _ in fake.log if p.endswith("/search")])

    fake.modify("contacts", ids[7], jobtitle="CFO")
    run = sync()

    assert run.counts["contacts"] == {"pulled": 1}
    assert Person.objects.get(email="p7@acme.example").title == "CFO"
    assert len([p for _, p, _ in fake.log if p.endswith("/search")]) > searched_before


def test_the_last_contact_changed_changed_again_is_pulled_again(sync, fake):
    ids = [add_contact(fake, n) for n in range(3)]
    sync()
    fake.modify("contacts", ids[2], jobtitle="CTO")
    sync()

    fake.modify("contacts", ids[2], jobtitle="CEO")  # nothing else changed in between
    run = sync()

    assert run.counts["contacts"] == {"pulled": 1}
    assert Person.objects.get(email="p2@acme.example").title == "CEO"


def test_changes_past_the_search_cap_are_all_pulled(db, naps):
    fake = FakeHubSpot(search_cap=300)
    with fake as url:
        connection = do_connect(Connection.Kind.HUBSPOT, TOKEN, base_url=url)
        hubspot = HubSpot(TOKEN, url, Politeness(sleep=naps))
        ids = [add_contact(fake, n) for n in range(20)]
        do_sync(connection, hubspot)
        for rid in ids[:10]:
            fake.modify("contacts", rid, jobtitle="Buyer")
        for n in range(20, 1020):
            add_contact(fake, n)

        run = do_sync(connection, HubSpot(TOKEN, url, Politeness(sleep=naps)))

    assert run.status == SyncRun.Status.DONE, run.message
    assert Person.objects.count() == 1020
    assert Person.objects.filter(title="Buyer").count() == 10
    assert not [s for _, p, s in fake.log if s == 400]


def test_429_is_waited_out_as_hubspot_asks(sync, fake, naps):
    add_contact(fake, 1)
    fake.throttle(3)

    run = sync()

    assert run.status == SyncRun.Status.DONE
    assert naps.waits[:3] == [1.0, 1.0, 1.0]
    assert Person.objects.count() == 1


def test_the_ten_second_burst_is_kept_to(db):
    fake = FakeHubSpot(burst=5, interval=1.0)
    with fake as url:
        connection = do_connect(Connection.Kind.HUBSPOT, TOKEN, base_url=url)
        for n in range(450):
            add_contact(fake, n)
        run = do_sync(connection, HubSpot(TOKEN, url))

    assert run.status == SyncRun.Status.DONE, run.message
    assert Person.objects.count() == 450


def test_a_hubspot_that_keeps_refusing_ends_the_run_with_the_reason(sync, fake, naps):
    add_contact(fake, 1)
    fake.throttle(100)

    run = sync()

    assert run.status == SyncRun.Status.FAILED
    assert "still answered 429" in run.message
    assert sync.connection.last_error == run.message
    assert len(naps.waits) == 7


def test_a_wrong_token_is_said_plainly(db, fake):
    connection = do_connect(Connection.Kind.HUBSPOT, "pat-na1-wrong", base_url=fake.url)

    run = do_sync(connection)

    assert run.status == SyncRun.Status.FAILED
    assert run.message.startswith("HubSpot refused the token (401)")


def test_records_modified_during_the_sync_end_with_their_last_values_and_none_is_missed(sync, fake):
    ids = [add_contact(fake, n) for n in range(450)]
    sync()
    for rid in ids:
        fake.modify("contacts", rid, jobtitle="Analyst")
    searches = []

    def modify_once(method, path):
        if path.endswith("contacts/search"):
            searches.append(path)
        if len(searches) == 2 and method == "POST":
            searches.append("done")
            fake.modify("contacts", ids[0], jobtitle="Director")  # taken before: pulled again
            fake.modify("contacts", ids[300], jobtitle="VP")  # not taken yet

    fake.during_request = modify_once
    run = sync()

    titles = dict(Person.objects.values_list("email", "title"))
    assert titles["p0@acme.example"] == "Director"
    assert titles["p300@acme.example"] == "VP"
    assert list(titles.values()).count("Analyst") == 448
    assert run.counts["contacts"]["pulled"] == 451  # the first, taken before, taken again


def test_deleted_and_merged_contacts_follow_hubspot(sync, fake):
    keep, merged, deleted = (add_contact(fake, n) for n in range(3))
    sync()
    fake.merge("contacts", keep, merged)
    fake.archive("contacts", deleted)

    run = sync()

    kept = Person.objects.filter(archived_at__isnull=True)
    assert list(kept.values_list("email", flat=True)) == ["p0@acme.example"]
    assert Person.objects.get(email="p1@acme.example").merged_into.email == "p0@acme.example"
    assert run.counts["contacts"]["removed"] == 2


def test_scores_are_written_back_in_batches_and_a_refused_record_is_listed(sync, fake):
    ids = [add_contact(fake, n) for n in range(150)]
    sync()
    people = list(Person.objects.order_by("email"))
    _score(people)
    Person.objects.update(lifecycle_stage=LifecycleStage.MQL, updated_at=timezone.now())
    fake.failing = {ids[5]}

    run = sync()

    assert ("contacts", "accord_score") in fake.created_properties
    assert run.counts["contacts"]["pushed"] == 149
    assert run.counts["contacts"]["push_failed"] == 1
    problem = SyncProblem.objects.get(run=run)
    assert (problem.remote_id, problem.reason) == (ids[5], "Contact is locked for editing")
    assert fake.value("contacts", ids[0], "lifecyclestage") == "marketingqualifiedlead"
    assert fake.value("contacts", ids[0], "accord_grade") == "A"
    writes = len(fake.writes)

    fake.failing = set()
    again = sync()

    assert again.counts["contacts"]["pushed"] == 1  # only the refused one; nothing echoed
    assert len(fake.writes) == writes + 1


def test_a_sync_killed_midway_and_run_again_has_everything_once(sync, fake):
    ids = [add_contact(fake, n) for n in range(500)]

    def kill(progress):
        if progress.object.name == "contacts" and progress.done >= 300:
            raise SystemExit("killed")

    with pytest.raises(SystemExit):
        sync(progress=kill)
    assert Person.objects.count() == 300
    cursor = Cursor.objects.get(object="contacts").value
    assert (cursor["phase"], cursor["after"]) == ("full", ids[300])  # the next one to read

    sync()

    assert sorted(Person.objects.values_list("email", flat=True)) == sorted(
        f"p{n}@acme.example" for n in range(500)
    )
    assert Cursor.objects.get(object="contacts").value["phase"] == "changes"
    assert "contacts" not in sync().counts  # nothing left to pull


def test_a_write_back_killed_midway_writes_each_value_once(sync, fake):
    ids = [add_contact(fake, n) for n in range(250)]
    sync()
    Person.objects.update(lifecycle_stage=LifecycleStage.MQL, updated_at=timezone.now())

    def kill(progress):
        if progress.phase == "push" and progress.done >= 100:
            raise SystemExit("killed")

    with pytest.raises(SystemExit):
        sync(progress=kill)
    assert len(fake.writes) == 100

    run = sync()

    assert run.counts["contacts"]["pushed"] == 150
    assert sorted(rid for _, rid, _ in fake.writes) == sorted(ids)


def _score(people):
    """Scores as the agreement writes them (the sync never reads their version)."""
    LeadScore.objects.bulk_create(
        LeadScore(
            person=person,
            version_id=1,
            fit=50,
            fit_grade="A",
            engagement=20,
            total=70,
            is_mql=True,
            scored_at=timezone.now(),  # as a rescoring stamps what it changed
        )
        for person in people
    )


def test_the_rep_accord_routed_a_lead_to_is_written_back_once(sync, fake, rep):
    owner = fake.add_owner(rep.email.upper())
    rid = add_contact(fake, 1)
    sync()
    Person.objects.update(owner=rep, updated_at=timezone.now())

    sync()
    sync()

    assert fake.value("contacts", rid, "hubspot_owner_id") == owner
    assert [w for w in fake.writes if "hubspot_owner_id" in w[2]] == [
        ("contacts", rid, {"hubspot_owner_id": owner})
    ]


def test_hundreds_of_contacts_changed_in_one_millisecond_are_all_pulled(sync, fake):
    ids = [add_contact(fake, n) for n in range(450)]
    sync()
    fake.modify_together("contacts", ids[:430], jobtitle="Buyer")
    add_contact(fake, 450)  # changed a millisecond later

    run = sync()

    assert run.status == SyncRun.Status.DONE, run.message
    assert Person.objects.filter(title="Buyer").count() == 430
    assert Person.objects.count() == 451
    cursor = Cursor.objects.get(connection=sync.connection, object="contacts").value
    assert cursor["within"] is None and cursor["since"] == fake.clock
    fake.log.clear()
    assert sync().counts.get("contacts", {}).get("pulled", 0) == 0


def test_calls_and_meetings_logged_with_a_contact_are_its_sales_touches(sync, fake):
    ana = add_contact(fake, 1)
    call = fake.add("calls", {"contacts": [ana]}, hs_timestamp="2026-01-10T10:00:00.000Z")
    fake.add("meetings", {"contacts": [ana]}, hs_timestamp="2026-01-12T15:30:00.000Z")
    lonely = fake.add("calls", hs_timestamp="2026-01-11T09:00:00.000Z")

    run = sync()

    touches = Touchpoint.objects.filter(person__email="p1@acme.example").order_by("occurred_at")
    assert [(t.kind, t.channel, t.occurred_at) for t in touches] == [
        ("call", "sales_outreach", dt.datetime(2026, 1, 10, 10, tzinfo=dt.UTC)),
        ("meeting", "sales_outreach", dt.datetime(2026, 1, 12, 15, 30, tzinfo=dt.UTC)),
    ]
    problem = SyncProblem.objects.get(run=run, object="calls")
    assert (problem.remote_id, problem.reason) == (lonely, "logged with no contact")

    fake.archive("calls", call)
    sync()
    sync(full=True)
    assert list(Touchpoint.objects.values_list("kind", flat=True)) == ["meeting"]


def test_one_to_one_e_mails_are_sales_touches_and_an_undelivered_one_is_none(sync, fake):
    ana = add_contact(fake, 1)
    fake.add(
        "emails",
        {"contacts": [ana]},
        hs_timestamp="2026-01-10T08:30:00.000Z",
        hs_email_direction="EMAIL",
        hs_email_status="SENT",
        hs_email_subject="Your demo",
    )
    fake.add(
        "emails",
        {"contacts": [ana]},
        hs_timestamp="2026-01-10T12:05:00.000Z",
        hs_email_direction="INCOMING_EMAIL",
        hs_email_subject="Re: Your demo",
    )
    later = fake.add(
        "emails",
        {"contacts": [ana]},
        hs_timestamp="2026-01-11T09:00:00.000Z",
        hs_email_direction="EMAIL",
        hs_email_status="SENT",
    )
    scheduled = fake.add(
        "emails",
        {"contacts": [ana]},
        hs_timestamp="2026-01-20T09:00:00.000Z",
        hs_email_direction="EMAIL",
        hs_email_status="SCHEDULED",
    )

    run = sync()

    touches = Touchpoint.objects.filter(person__email="p1@acme.example").order_by("occurred_at")
    assert [(t.kind, t.channel, t.occurred_at) for t in touches] == [
        ("email_open", "sales_outreach", dt.datetime(2026, 1, 10, 8, 30, tzinfo=dt.UTC)),
        ("email_click", "sales_outreach", dt.datetime(2026, 1, 10, 12, 5, tzinfo=dt.UTC)),
        ("email_open", "sales_outreach", dt.datetime(2026, 1, 11, 9, tzinfo=dt.UTC)),
    ]
    problem = SyncProblem.objects.get(run=run, object="emails")
    assert (problem.remote_id, problem.reason) == (scheduled, "an e-mail not delivered (SCHEDULED)")

    fake.modify("emails", later, hs_email_status="BOUNCED")
    sync()
    assert Touchpoint.objects.filter(person__email="p1@acme.example").count() == 2


def test_every_contact_of_a_deal_is_kept_with_the_part_its_label_names(sync, fake):
    ana, ben, cy = (add_contact(fake, n) for n in (1, 2, 3))
    deal = fake.add("deals", dealname="Acme renewal", dealstage="contractsent")
    fake.associate("deals", deal, "contacts", ana)
    fake.associate("deals", deal, "contacts", ben, "Decision maker")
    fake.associate("deals", deal, "contacts", cy, "Budget holder", "Champion")
    fake.association_page = 2  # Cy's association comes on a second page of the deal's

    sync()

    def roles():
        return sorted(
            (r.person.email, r.role, r.is_primary)
            for r in DealContact.objects.filter(opportunity__name="Acme renewal")
        )

    assert roles() == [
        ("p1@acme.example", "", True),
        ("p2@acme.example", "Decision maker", False),
        ("p3@acme.example", "Budget holder, Champion", False),
    ]
    assert Opportunity.objects.get().primary_contact.email == "p1@acme.example"

    fake.dissociate("deals", deal, "contacts", cy)
    fake.associate("deals", deal, "contacts", ana, "Economic buyer")
    run = sync()

    assert run.counts["deals"] == {"pulled": 1}
    assert roles() == [
        ("p1@acme.example", "Economic buyer", True),
        ("p2@acme.example", "Decision maker", False),
    ]
    assert sync(full=True).counts.get("deals", {}).get("pulled", 0) == 0
    assert len(roles()) == 2


def test_a_plain_sync_writes_back_what_accord_changed_since_and_a_full_one_everything(sync, fake):
    ids = [add_contact(fake, n) for n in range(3)]
    sync()
    ana = Person.objects.get(email="p0@acme.example")
    do_change_lifecycle_stage(ana, LifecycleStage.OPPORTUNITY, reason="a deal opened")
    # A change no Accord service makes: written without the stamp every one of them leaves.
    Person.objects.filter(email="p1@acme.example").update(lifecycle_stage=LifecycleStage.CUSTOMER)

    run = sync()

    assert run.counts["contacts"]["pushed"] == 1
    assert fake.value("contacts", ids[0], "lifecyclestage") == "opportunity"
    assert fake.value("contacts", ids[1], "lifecyclestage") == "lead"

    run = sync(full=True)

    assert run.counts["contacts"]["pushed"] == 1
    assert fake.value("contacts", ids[1], "lifecyclestage") == "customer"
    assert "pushed" not in sync().counts.get("contacts", {})


def test_a_value_changed_in_hubspot_on_a_field_accord_owns_is_written_back(sync, fake):
    rid = add_contact(fake, 1)
    sync()
    fake.modify("contacts", rid, lifecyclestage="customer")  # a rep, in HubSpot

    run = sync()

    assert run.counts["contacts"]["pushed"] == 1
    assert fake.value("contacts", rid, "lifecyclestage") == "lead"
