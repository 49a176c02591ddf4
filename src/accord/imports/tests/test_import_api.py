"""Imports over the JSON API: upload, read the check, confirm; the same rules as the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.crm.models import Person
from accord.imports.models import ImportRun
from accord.imports.runs.services import do_run
from accord.imports.tests.helpers import FIXTURES, run_import
from accord.imports.tests.test_import_page import BAD_CONTACTS, CONTACTS
from accord.touchpoints.models import ArchivedTouch


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def upload(api, content=CONTACTS, name="contacts.csv"):
    file = SimpleUploadedFile(name, content, "text/csv")
    return api.client.post("/api/v1/imports", {"file": file}, headers=api.headers)


def run_queued():
    for run in ImportRun.objects.filter(status=ImportRun.Status.QUEUED):
        do_run(run.pk)


def test_a_script_uploads_reads_the_check_and_confirms_the_import(api_as, sales_head):
    api = api_as(sales_head)
    answer = upload(api)
    assert answer.status_code == 202
    check_id = answer.json()["id"]
    assert answer.json()["status"] == "queued" and answer.json()["mode"] == "check"

    run_queued()
    check = api.get(f"/imports/{check_id}").json()
    assert check["status"] == "done" and check["format_name"] == "HubSpot contacts"
    assert check["counts"]["people"] == {"created": 4, "updated": 0, "unchanged": 0}

    confirmed = api.post(f"/imports/{check_id}/confirm", {})
    again = api.post(f"/imports/{check_id}/confirm", {})
    assert confirmed.status_code == again.status_code == 202
    assert confirmed.json()["id"] == again.json()["id"]
    assert confirmed.json()["check_run_id"] == check_id
    run_queued()
    assert api.get(f"/imports/{confirmed.json()['id']}").json()["status"] == "done"
    assert Person.objects.count() == 4
    assert [r["mode"] for r in api.get("/imports").json()["items"]] == ["import", "check"]


def test_a_refused_check_lists_its_problems_and_cannot_be_confirmed(api_as, admin_user):
    api = api_as(admin_user)
    check_id = upload(api, BAD_CONTACTS).json()["id"]
    run_queued()

    check = api.get(f"/imports/{check_id}").json()
    assert check["status"] == "refused" and check["problem_count"] == 2
    assert check["problems"][0] == {
        "row": 3,
        "column": "Email",
        "reason": check["problems"][0]["reason"],
    }
    answer = api.post(f"/imports/{check_id}/confirm", {})
    assert answer.status_code == 409
    assert answer.json()["detail"] == "Only a check that found nothing wrong can be imported."


def test_a_rep_may_not_import_nor_see_imports(api_as, rep, admin_user):
    check_id = upload(api_as(admin_user)).json()["id"]
    api = api_as(rep)
    answer = upload(api)
    assert answer.status_code == 403
    assert answer.json()["detail"] == "Only an administrator or a team head can import files."
    assert api.get(f"/imports/{check_id}").status_code == 404
    assert api.get("/imports").json()["count"] == 0


def test_a_file_that_is_not_csv_is_a_422_naming_it(api_as, admin_user):
    answer = upload(api_as(admin_user), b"\x00\x01", name="deals.numbers")
    assert answer.status_code == 422
    assert "deals.numbers is not a CSV or XLSX file" in answer.json()["detail"]


def test_an_upload_over_the_limit_is_413_naming_it_before_it_is_stored(
    api_as, sales_head, settings, tmp_path
):
    settings.IMPORT_MAX_BYTES = 1000
    answer = upload(api_as(sales_head), CONTACTS + b"x" * 2000)

    assert answer.status_code == 413
    assert "larger than 1,000 bytes" in answer.json()["detail"]
    assert not ImportRun.objects.exists()


def test_the_date_format_and_time_zone_travel_with_the_upload(api_as, sales_head):
    api = api_as(sales_head)
    content = b"Record ID,Email,Create Date\n1,ana@acme.example,03/02/2023 10:00\n"
    file = SimpleUploadedFile("c.csv", content, "text/csv")
    answer = api.client.post(
        "/api/v1/imports",
        {"file": file, "date_format": "DMY", "time_zone": "America/New_York"},
        headers=api.headers,
    )
    assert answer.status_code == 202
    bad_zone = api.client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("c.csv", content), "time_zone": "Mars/Base"},
        headers=api.headers,
    )
    assert bad_zone.status_code == 422 and "Mars/Base" in bad_zone.content.decode()

    run_queued()
    check = ImportRun.objects.get()
    assert check.status == ImportRun.Status.DONE, check.problems
    api.post(f"/imports/{check.pk}/confirm", {})
    run_queued()
    assert Person.objects.get().created_at.isoformat() == "2023-02-03T15:00:00+00:00"


def test_a_script_reads_the_kept_campaigns_and_uploads_again_with_them_emptied(api_as, sales_head):
    for name in ("accounts", "leads", "contacts", "campaigns", "campaign-members"):
        run_import(FIXTURES / f"salesforce-{name}.csv")
    header, webinar = (FIXTURES / "salesforce-campaign-members.csv").read_text().splitlines()[:2]
    members = f"{header}\n{webinar}\n".encode()
    api = api_as(sales_head)

    check_id = upload(api, members, "members.csv").json()["id"]
    run_queued()
    assert api.get(f"/imports/{check_id}").json()["kept_campaigns"] == [
        {"source_id": "7015g000000AbCeAAG", "name": "Q1 newsletter", "members": 1}
    ]
    answer = api.client.post(
        "/api/v1/imports",
        {
            "file": SimpleUploadedFile("members.csv", members, "text/csv"),
            "emptied_campaigns": ["7015g000000AbCeAAG"],
        },
        headers=api.headers,
    )
    run_queued()
    api.post(f"/imports/{answer.json()['id']}/confirm", {})
    run_queued()
    assert ArchivedTouch.objects.get().campaign.name == "Q1 newsletter"
