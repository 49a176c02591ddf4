"""The engine with a connector over a dict: pages written with their cursor, a kill between
pages, the ownership of fields, and write-back without echoes."""

import pytest
from django.utils import timezone

from accord.audit.models import AuditEntry
from accord.crm.access import people_for
from accord.crm.models import LifecycleStage, Person, SourceRecord
from accord.crm_sync.connector import Removal
from accord.crm_sync.models import (
    Connection,
    Cursor,
    FieldOwner,
    Side,
    SyncedRecord,
    SyncProblem,
    SyncRun,
)
from accord.crm_sync.services import do_sync
from accord.crm_sync.tests.memory import MemoryCrm
from accord.touchpoints.models import Touchpoint


def contact(n, **fields):
    return {
        "email": f"p{n}@acme.example",
        "first_name": f"P{n}",
        "last_name": "Smith",
        "lifecycle_stage": "lead",
        **fields,
    }


@pytest.fixture
def hubspot(db):
    return Connection.objects.create(kind=Connection.Kind.HUBSPOT)


def test_people_are_pulled_once_and_linked_by_the_crm_id(hubspot):
    crm = MemoryCrm({f"{n:03}": contact(n) for n in range(5)})

    run = do_sync(hubspot, crm)
    do_sync(hubspot, crm, full=True)

    assert run.status == SyncRun.Status.DONE
    assert run.counts["contacts"]["pulled"] == 5
    assert Person.objects.count() == 5
    assert SourceRecord.objects.filter(system="hubspot", external_id="003").exists()
    assert Cursor.objects.get(connection=hubspot).value == {"after": "004"}


def test_a_sync_killed_between_pages_goes_on_from_the_last_page_written(hubspot):
    crm = MemoryCrm({f"{n:03}": contact(n) for n in range(6)})

    def kill(progress):
        if progress.done == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        do_sync(hubspot, crm, progress=kill)
    assert Person.objects.count() == 4
    assert Cursor.objects.get(connection=hubspot).value == {"after": "003"}

    seen = []
    do_sync(hubspot, crm, progress=lambda p: seen.append(p.done))

    assert Person.objects.count() == 6
    assert seen[0] == 2  # only the last page was pulled again


def test_a_record_accord_cannot_take_is_skipped_with_its_id_and_reason(hubspot):
    crm = MemoryCrm(
        {"001": contact(1), "002": contact(2, lifecycle_stage="Trial user"), "003": contact(3)}
    )

    run = do_sync(hubspot, crm)

    assert Person.objects.count() == 2
    problem = SyncProblem.objects.get(run=run)
    assert problem.remote_id == "002"
    assert "unknown lifecycle stage 'Trial user'" in problem.reason
    assert run.counts["contacts"] == {"pulled": 2, "skipped": 1}


def test_a_text_with_a_nul_character_is_skipped_not_stored(hubspot):
    crm = MemoryCrm({"001": contact(1, title="CTO\x00"), "002": contact(2)})

    run = do_sync(hubspot, crm)

    assert list(Person.objects.values_list("email", flat=True)) == ["p2@acme.example"]
    assert "NUL character" in SyncProblem.objects.get(run=run, remote_id="001").reason


def test_a_crm_that_owns_the_stage_still_moves_people_only_as_the_funnel_allows(hubspot):
    FieldOwner.objects.create(
        kind=hubspot.kind, object="contacts", field="lifecycle_stage", owner=Side.CRM
    )
    crm = MemoryCrm({"001": contact(1, lifecycle_stage="customer"), "002": contact(2)})
    do_sync(hubspot, crm)
    crm.remote["001"].update(lifecycle_stage="lead", title="CFO")  # back down the funnel
    crm.remote["002"]["lifecycle_stage"] = "opportunity"  # forward

    run = do_sync(hubspot, crm, full=True)

    stages = dict(Person.objects.values_list("email", "lifecycle_stage"))
    assert stages == {"p1@acme.example": "customer", "p2@acme.example": "opportunity"}
    reason = SyncProblem.objects.get(run=run, remote_id="001").reason
    assert reason.startswith("Lifecycle stage: People move forward through the funnel")


def test_a_field_the_crm_owns_changed_in_accord_is_overwritten_and_audited(hubspot):
    crm = MemoryCrm({"001": contact(1, title="CTO")})
    do_sync(hubspot, crm)
    Person.objects.update(title="Chief Technology Officer")
    crm.remote["001"]["first_name"] = "Pia"

    do_sync(hubspot, crm, full=True)

    person = Person.objects.get()
    assert (person.title, person.first_name) == ("CTO", "Pia")
    entry = AuditEntry.objects.get(field="title")
    assert (entry.old_value, entry.new_value) == ("Chief Technology Officer", "CTO")
    assert "HubSpot owns this field" in entry.reason


def test_what_accord_owns_is_written_back_once_and_a_crm_change_written_over(hubspot):
    crm = MemoryCrm({"001": contact(1), "002": contact(2)})
    do_sync(hubspot, crm)
    Person.objects.filter(email="p1@acme.example").update(lifecycle_stage=LifecycleStage.MQL)

    do_sync(hubspot, crm)
    do_sync(hubspot, crm, full=True)  # the value pulled back is the one written: no echo

    assert [(c.remote_id, c.fields) for c in crm.writes] == [("001", {"lifecycle_stage": "mql"})]
    crm.remote["001"]["lifecycle_stage"] = "lead"  # a rep moves it back in the CRM
    do_sync(hubspot, crm, full=True)
    assert crm.remote["001"]["lifecycle_stage"] == "mql"
    assert Person.objects.get(email="p1@acme.example").lifecycle_stage == LifecycleStage.MQL


def test_a_refused_write_is_listed_and_tried_again_next_time(hubspot):
    crm = MemoryCrm({"001": contact(1), "002": contact(2)}, refuse={"002"})
    do_sync(hubspot, crm)
    Person.objects.update(lifecycle_stage=LifecycleStage.MQL, updated_at=timezone.now())

    run = do_sync(hubspot, crm)

    assert run.counts["contacts"]["pushed"] == 1
    assert SyncProblem.objects.get(run=run).remote_id == "002"
    crm.refuse.clear()
    assert do_sync(hubspot, crm).counts["contacts"]["pushed"] == 1


def test_deleted_and_merged_records_are_archived_with_their_history(hubspot, admin_user):
    crm = MemoryCrm({"001": contact(1), "002": contact(2), "003": contact(3)})
    do_sync(hubspot, crm)
    survivor = Person.objects.get(email="p1@acme.example")
    merged = Person.objects.get(email="p2@acme.example")
    deleted = Person.objects.get(email="p3@acme.example")
    Touchpoint.objects.create(person=merged, channel="email", kind="email_click")
    Touchpoint.objects.create(person=deleted, channel="events", kind="event")
    crm.removed = [Removal("002", merged_into="001"), Removal("003")]

    run = do_sync(hubspot, crm)

    assert run.counts["contacts"]["removed"] == 2
    assert list(people_for(admin_user).values_list("pk", flat=True)) == [survivor.pk]
    merged.refresh_from_db()
    deleted.refresh_from_db()
    assert merged.archived_at and merged.merged_into == survivor
    assert deleted.archived_at and deleted.merged_into is None
    # The touches stay: the merged one's with the survivor, the deleted one's with them.
    assert Touchpoint.objects.get(channel="email").person == survivor
    assert Touchpoint.objects.get(channel="events").person == deleted
    assert deleted.lifecycle_changes.exists()
    assert AuditEntry.objects.filter(
        record_type="person", record_id=str(deleted.pk), field="archived_at"
    ).exists()
    assert not SyncedRecord.objects.filter(remote_id__in=["002", "003"]).exists()

    # A record restored in the CRM comes back as it was.
    crm.removed = []
    del crm.remote["002"]
    crm.remote["003"]["title"] = "Back"
    do_sync(hubspot, crm, full=True)
    deleted.refresh_from_db()
    assert deleted.archived_at is None and deleted.title == "Back"
