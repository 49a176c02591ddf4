"""The sync page: an admin connects HubSpot (the token shown masked), sees the last run with its
counts and skipped records, chooses who owns a field, and asks for a sync now."""

from django_tasks_db.models import DBTaskResult

from accord.audit.models import AuditEntry
from accord.crm_sync.models import Connection, FieldOwner, SyncProblem, SyncRun
from accord.crm_sync.services import do_connect

TOKEN = "pat-na1-aaaabbbb-cccc-dddd-eeee-ffff00001234"


def test_only_admins_see_the_page(client, rep):
    client.force_login(rep)

    assert client.get("/sync/").status_code == 404


def test_an_admin_connects_hubspot_and_sees_only_the_tokens_end(client, admin_user):
    client.force_login(admin_user)

    answer = client.post(
        "/sync/hubspot/connect/", {"hubspot-token": TOKEN, "hubspot-base_url": ""}, follow=True
    )

    page = answer.content.decode()
    assert "HubSpot connected" in page
    assert "••••••••1234" in page
    assert TOKEN not in page
    assert Connection.objects.get().secret == TOKEN
    assert TOKEN not in AuditEntry.objects.get(record_type="sync_connection").new_value


def test_a_connect_form_without_a_token_says_so_beside_the_field(client, admin_user):
    client.force_login(admin_user)

    answer = client.post("/sync/hubspot/connect/", {"hubspot-token": ""})

    assert answer.status_code == 400
    assert "Token: This field is required." in answer.content.decode()
    assert not Connection.objects.exists()


def test_the_last_run_shows_its_counts_and_each_skipped_record(client, admin_user):
    connection = do_connect(Connection.Kind.HUBSPOT, TOKEN)
    run = SyncRun.objects.create(
        connection=connection,
        status=SyncRun.Status.DONE,
        started_at="2026-12-07T05:00:00Z",
        finished_at="2026-12-07T05:01:00Z",
        counts={"contacts": {"pulled": 1200, "skipped": 1, "pushed": 40}},
    )
    SyncProblem.objects.create(
        run=run, object="contacts", direction="pull", remote_id="901", reason="Unknown stage"
    )
    client.force_login(admin_user)

    page = client.get("/sync/").content.decode()

    assert '<th scope="row">Contacts</th><td>1,200</td>' in page.replace("\u202f", ",")
    assert "<td>901</td><td>Unknown stage</td>" in page


def test_an_admin_makes_the_crm_owner_of_the_lifecycle_stage(client, admin_user):
    client.force_login(admin_user)

    client.post(
        "/sync/hubspot/owners/", {"contacts.lifecycle_stage": "crm", "contacts.email": "crm"}
    )

    owner = FieldOwner.objects.get()
    assert (owner.object, owner.field, owner.owner) == ("contacts", "lifecycle_stage", "crm")
    assert AuditEntry.objects.filter(record_type="sync_field_owner").count() == 1


def test_sync_now_queues_a_run_for_the_worker(client, admin_user):
    do_connect(Connection.Kind.HUBSPOT, TOKEN)
    client.force_login(admin_user)

    answer = client.post("/sync/hubspot/run/", follow=True)

    assert "The HubSpot sync is queued" in answer.content.decode()
    assert DBTaskResult.objects.filter(queue_name="sync").count() == 1


def _owner_rows(page: str, table: str) -> list[str]:
    import re

    body = page.split(f'data-testid="owners-{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<label for="[^"]+">([^<]+)</label>', body)


def test_each_crms_ownership_table_lists_only_the_fields_it_exchanges(client, admin_user):
    client.force_login(admin_user)

    page = client.get("/sync/").content.decode()

    assert "Lead status" in _owner_rows(page, "contacts")  # HubSpot's contacts have one
    assert "Lead status" not in _owner_rows(page, "Contact")  # Salesforce's contacts do not
    assert "Account" not in _owner_rows(page, "Lead")
    assert "Account" in _owner_rows(page, "Contact")
    assert "Currency" not in _owner_rows(page, "Opportunity")
    assert "Lost reason" not in _owner_rows(page, "Opportunity")
    assert "Currency" in _owner_rows(page, "deals")
    assert "Pulled, never written back: contact roles, campaigns, campaign members" in page
