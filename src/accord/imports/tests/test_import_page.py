"""The import page: a head uploads an export, sees what it would change or every bad row, and
only a clean check can be imported; the worker runs both and the page follows it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accord.crm.models import Person
from accord.imports.models import ImportRun, ValueMapping
from accord.imports.runs.services import do_run, progress_file, upload_folder
from accord.imports.services import do_import_file
from accord.imports.tests.helpers import FIXTURES, run_import
from accord.touchpoints.models import ArchivedTouch

CONTACTS = (FIXTURES / "hubspot-contacts.csv").read_bytes()
BAD_CONTACTS = (
    b'"Record ID","First Name","Email","Lifecycle Stage","Create Date"\n'
    b'"1","Ana","ana@northwind.example","lead","2024-03-04"\n'
    b'"2","Bo","not-an-email","lead","2024-03-05"\n'
    b'"3","Cy","cy@northwind.example","lead","2024-02-31"\n'
)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def upload(client, user, content=CONTACTS, name="contacts.csv", **kwargs):
    client.force_login(user)
    return client.post(
        "/imports/", {"file": SimpleUploadedFile(name, content, "text/csv")}, **kwargs
    )


def worker_runs_queued_runs():
    for run in ImportRun.objects.filter(status=ImportRun.Status.QUEUED):
        do_run(run.pk)


def test_a_head_checks_a_hubspot_export_sees_what_would_change_then_imports_it(
    client, marketing_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = upload(client, marketing_head, follow=True)
    assert "Waiting for the worker" in answer.content.decode()

    worker_runs_queued_runs()
    check = ImportRun.objects.get()
    page = client.get(f"/imports/{check.pk}/").content.decode()
    assert check.status == ImportRun.Status.DONE and check.format_name == "HubSpot contacts"
    assert "every row is valid" in page and "Import it" in page
    assert Person.objects.count() == 0  # a check writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/imports/{check.pk}/confirm/", follow=True)
    worker_runs_queued_runs()
    imported = ImportRun.objects.get(mode=ImportRun.Mode.IMPORT)
    assert imported.status == ImportRun.Status.DONE
    assert imported.counts["people"]["created"] == Person.objects.count() == 4
    page = client.get(f"/imports/{imported.pk}/").content.decode()
    assert "Imported as <strong>HubSpot contacts</strong>" in page
    assert not (upload_folder() / imported.stored_as).exists()  # the upload is not kept


def test_a_file_with_bad_rows_lists_each_by_row_and_column_and_cannot_be_imported(
    client, sales_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, sales_head, BAD_CONTACTS)
    worker_runs_queued_runs()
    check = ImportRun.objects.get()

    page = client.get(f"/imports/{check.pk}/").content.decode()
    assert check.status == ImportRun.Status.REFUSED and check.problem_count == 2
    assert [p[:2] for p in check.problems] == [[3, "Email"], [4, "Create Date"]]
    assert "nothing was written" in page and "Import it" not in page
    answer = client.post(f"/imports/{check.pk}/confirm/", follow=True)
    assert "Only a check that found nothing wrong can be imported." in answer.content.decode()
    assert Person.objects.count() == 0
    assert ImportRun.objects.count() == 1


def test_confirming_a_check_twice_makes_one_import(client, admin_user):
    upload(client, admin_user)
    worker_runs_queued_runs()
    check = ImportRun.objects.get()
    client.post(f"/imports/{check.pk}/confirm/")
    client.post(f"/imports/{check.pk}/confirm/")
    assert ImportRun.objects.filter(mode=ImportRun.Mode.IMPORT).count() == 1


def test_the_status_keeps_asking_while_the_run_waits_and_stops_when_it_ends(client, admin_user):
    upload(client, admin_user)
    check = ImportRun.objects.get()
    fragment = client.get(f"/imports/{check.pk}/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()

    progress_file(check).write_text('{"phase": "writing", "rows": 100000}')
    started = dt.datetime(2026, 12, 5, 17, 17, 5, tzinfo=dt.UTC)
    ImportRun.objects.filter(pk=check.pk).update(
        status=ImportRun.Status.RUNNING, started_at=started
    )
    running = client.get(f"/imports/{check.pk}/").content.decode()
    assert "Writing (100,000 rows), started at 17:17:05" in running

    ImportRun.objects.filter(pk=check.pk).update(status=ImportRun.Status.QUEUED)
    do_run(check.pk)
    fragment = client.get(f"/imports/{check.pk}/", headers={"HX-Request": "true"})
    assert "hx-trigger" not in fragment.content.decode()


def test_an_import_tells_each_phase_as_it_begins(db):
    heard = []
    do_import_file(
        FIXTURES / "hubspot-contacts.csv", on_progress=lambda phase, rows: heard.append(phase)
    )
    assert heard == [
        "reading and checking every row",
        "matching rows with the records already here",
        "writing",
    ]


@pytest.mark.parametrize("persona", ["rep", "marketer"])
def test_reps_and_marketers_cannot_import(client, persona, request):
    user = request.getfixturevalue(persona)
    assert upload(client, user).status_code == 403
    assert client.get("/imports/").status_code == 403
    assert ImportRun.objects.count() == 0


def test_a_file_that_is_not_csv_is_refused_before_it_is_kept(client, admin_user):
    answer = upload(client, admin_user, b"%PDF-1.7", name="contacts.pdf", follow=True)
    assert "contacts.pdf is not a CSV or XLSX file" in answer.content.decode()
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_accord_worker_runs_a_queued_check(client, admin_user):
    upload(client, admin_user)
    call_command("worker", "--once")
    assert ImportRun.objects.get().status == ImportRun.Status.DONE


AMBIGUOUS_DATES = (
    b"Record ID,First Name,Email,Create Date\n"
    b"1,Ana,ana@acme.example,03/02/2023\n"
    b"2,Bo,bo@acme.example,04/05/2023\n"
)


def test_a_file_whose_dates_read_both_ways_asks_for_the_date_format_then_imports(
    client, marketing_head
):
    upload(client, marketing_head, AMBIGUOUS_DATES)
    worker_runs_queued_runs()
    refused = ImportRun.objects.get()
    assert refused.status == ImportRun.Status.REFUSED
    page = client.get(f"/imports/{refused.pk}/").content.decode()
    assert "may be 3 February or 2 March" in page and "Date format" in page

    client.post(
        "/imports/",
        {
            "file": SimpleUploadedFile("contacts.csv", AMBIGUOUS_DATES, "text/csv"),
            "date_format": "DMY",
            "time_zone": "Europe/London",
        },
    )
    worker_runs_queued_runs()
    check = ImportRun.objects.filter(mode=ImportRun.Mode.CHECK).first()
    assert check.status == ImportRun.Status.DONE
    client.post(f"/imports/{check.pk}/confirm/")
    worker_runs_queued_runs()
    ana = Person.objects.get(email="ana@acme.example")
    assert ana.created_at == dt.datetime(2023, 2, 3, tzinfo=dt.UTC)  # midnight in London (GMT)


def test_no_file_or_the_wrong_kind_is_explained_beside_the_file_field(client, sales_head):
    client.force_login(sales_head)

    nothing = client.post("/imports/", {"time_zone": "UTC"})
    wrong = upload(client, sales_head, b"%PDF-1.7", name="contacts.pdf")

    assert nothing.status_code == 400 and wrong.status_code == 400
    assert '<a href="#id_file">File: Choose a file to check.</a>' in nothing.content.decode()
    assert "contacts.pdf is not a CSV or XLSX file" in wrong.content.decode()
    assert 'id="id_file_error"' in wrong.content.decode()
    assert not ImportRun.objects.exists()


def test_an_upload_over_the_limit_is_refused_with_413_and_nothing_is_stored(
    client, sales_head, settings
):
    settings.IMPORT_MAX_BYTES = 1000
    answer = upload(client, sales_head, CONTACTS + b"x" * 2000)

    assert answer.status_code == 413
    assert "larger than 1,000 bytes" in answer.content.decode()
    assert "ACCORD_MAX_IMPORT_BYTES" in answer.content.decode()
    assert not ImportRun.objects.exists()
    assert not upload_folder().exists() or not any(upload_folder().iterdir())


CUSTOM_STAGES = (FIXTURES / "hubspot-contacts-custom-stages.csv").read_bytes()


def test_a_head_maps_the_unknown_stages_on_the_check_page_then_imports_the_file(
    client, marketing_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, marketing_head, CUSTOM_STAGES)
    worker_runs_queued_runs()
    check = ImportRun.objects.get()
    page = client.get(f"/imports/{check.pk}/").content.decode()

    assert check.status == ImportRun.Status.REFUSED
    assert [(u["value"], u["rows"]) for u in check.unknown_values] == [
        ("Product Qualified Lead", 2),
        ("Trial User", 1),
    ]
    assert "Map the values Accord does not know" in page
    # Each list starts on a best guess, which only the user's save makes a mapping.
    assert '<option value="mql" selected>' in page
    assert not ValueMapping.objects.exists()
    assert (upload_folder() / check.stored_as).exists()  # kept to be checked again

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{check.pk}/mappings/", {"map-0": "mql", "map-1": "lead"})
    worker_runs_queued_runs()
    again = ImportRun.objects.exclude(pk=check.pk).get()
    assert again.status == ImportRun.Status.DONE
    assert ValueMapping.objects.get(key="trialuser").accord_value == "lead"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{again.pk}/confirm/")
    worker_runs_queued_runs()
    assert Person.objects.get(email="dev.rao@acme.example").lifecycle_stage == "lead"
    assert Person.objects.filter(lifecycle_stage="mql").count() == 2


def test_a_value_left_unchosen_is_named_and_nothing_is_mapped(
    client, sales_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, sales_head, CUSTOM_STAGES)
    worker_runs_queued_runs()
    check = ImportRun.objects.get()

    answer = client.post(f"/imports/{check.pk}/mappings/", {"map-0": "mql"}, follow=True)

    assert "Choose the Accord value of &#x27;Trial User&#x27;." in answer.content.decode()
    assert not ValueMapping.objects.exists()
    assert ImportRun.objects.count() == 1


def test_a_head_says_on_the_check_page_that_a_campaign_lost_every_member_then_imports(
    client, marketing_head, django_capture_on_commit_callbacks
):
    for name in ("accounts", "leads", "contacts", "campaigns", "campaign-members"):
        run_import(FIXTURES / f"salesforce-{name}.csv")
    header, webinar = (FIXTURES / "salesforce-campaign-members.csv").read_text().splitlines()[:2]
    # The newsletter's one member was removed in Salesforce: the export has no row for it.
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, marketing_head, f"{header}\n{webinar}\n".encode(), "members.csv")
    worker_runs_queued_runs()
    check = ImportRun.objects.get()
    page = client.get(f"/imports/{check.pk}/").content.decode()

    assert check.kept_campaigns == [
        {"source_id": "7015g000000AbCeAAG", "name": "Q1 newsletter", "members": 1}
    ]
    assert "Every member of Q1 newsletter was removed (1 touch, id 7015g000000AbCeAAG)" in page

    refused = client.post(
        f"/imports/{check.pk}/emptied-campaigns/", {"campaign": "701NOSUCH"}, follow=True
    )
    assert "Choose the campaigns whose every member was removed." in refused.content.decode()
    assert ImportRun.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{check.pk}/emptied-campaigns/", {"campaign": "7015g000000AbCeAAG"})
    worker_runs_queued_runs()
    again = ImportRun.objects.exclude(pk=check.pk).get()
    assert again.status == ImportRun.Status.DONE and not again.kept_campaigns
    assert any("every member of 'Q1 newsletter' removed" in note for note in again.notes)
    assert not ArchivedTouch.objects.exists()  # a check writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{again.pk}/confirm/")
    worker_runs_queued_runs()
    archived = ArchivedTouch.objects.get()
    assert (archived.person.email, archived.campaign.name) == (
        "olivia.brown@tailspin.example",
        "Q1 newsletter",
    )
