"""A check or import whose worker stopped (killed, its machine gone) does not stay "running": its
lease runs out, the run ends as failed with nothing written, and the file can be run again."""

import datetime as dt
import time
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accord.crm.models import Person
from accord.imports.models import ImportRun
from accord.imports.runs import services
from accord.imports.tests.test_import_page import upload, worker_runs_queued_runs


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


class WorkerKilled(BaseException):
    """What SIGKILL does to a worker: it stops there, with no `except` or cleanup of its own."""


def import_stopping_at(monkeypatch, phase: str, then):
    """The worker's import, with `then()` called when it reaches `phase`."""
    real = services.do_import_file

    def do_import_file(path, *, dry_run, on_progress, **reading):
        def progress(reached, rows):
            on_progress(reached, rows)
            if reached == phase:
                then()

        return real(path, dry_run=dry_run, on_progress=progress, **reading)

    monkeypatch.setattr(services, "do_import_file", do_import_file)


def killed():
    raise WorkerKilled


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_was_killed_ends_failed_and_the_file_can_be_imported_again(
    client, marketing_head, monkeypatch
):
    upload(client, marketing_head)
    worker_runs_queued_runs()
    check = ImportRun.objects.get()
    client.post(f"/imports/{check.pk}/confirm/")
    imported = ImportRun.objects.get(mode=ImportRun.Mode.IMPORT)
    with monkeypatch.context() as patch:
        import_stopping_at(patch, "writing", killed)
        with pytest.raises(WorkerKilled):
            services.do_run(imported.pk)
    imported.refresh_from_db()
    assert imported.status == ImportRun.Status.RUNNING  # as the killed worker left it

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        call_command("worker", "--once", stdout=StringIO())  # another worker, started later
        again = client.post(f"/imports/{check.pk}/confirm/", follow=True).content.decode()

    imported.refresh_from_db()
    assert imported.status == ImportRun.Status.FAILED
    assert imported.message == "The worker stopped while importing; nothing was written."
    assert Person.objects.count() == 0
    assert not (services.upload_folder() / imported.stored_as).exists()
    # The same confirm sent again is the same form: it answers with the failed import's page
    assert "Upload the file again</a> to import it once more." in again
    assert ImportRun.objects.filter(mode=ImportRun.Mode.IMPORT).count() == 1
    page = client.get(f"/imports/{imported.pk}/").content.decode()
    assert "The worker stopped while importing; nothing was written." in page
    assert "Upload the file again</a> to import it once more." in page

    upload(client, marketing_head)
    worker_runs_queued_runs()
    second_check = ImportRun.objects.filter(mode=ImportRun.Mode.CHECK).latest("id")
    client.post(f"/imports/{second_check.pk}/confirm/")
    worker_runs_queued_runs()
    assert ImportRun.objects.filter(mode=ImportRun.Mode.IMPORT).latest("id").status == "done"
    assert Person.objects.count() == 4


def test_the_api_refuses_to_confirm_again_a_check_whose_import_stopped(
    client, sales_head, api_as, monkeypatch
):
    upload(client, sales_head)
    worker_runs_queued_runs()
    check = ImportRun.objects.get()
    client.post(f"/imports/{check.pk}/confirm/")
    with monkeypatch.context() as patch:
        import_stopping_at(patch, "matching rows with the records already here", killed)
        with pytest.raises(WorkerKilled):
            services.do_run(ImportRun.objects.get(mode=ImportRun.Mode.IMPORT).pk)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        answer = api_as(sales_head).post(f"/imports/{check.pk}/confirm", {})

    assert answer.status_code == 409
    assert answer.json()["detail"] == (
        "The worker stopped while importing; nothing was written. "
        "Upload the file again to import it."
    )


def test_a_check_whose_worker_was_killed_ends_failed_too(client, admin_user, monkeypatch):
    upload(client, admin_user)
    check = ImportRun.objects.get()
    with monkeypatch.context() as patch:
        import_stopping_at(patch, "reading and checking every row", killed)
        with pytest.raises(WorkerKilled):
            services.do_run(check.pk)

    assert services.do_fail_stopped_runs() == []  # its lease has not run out yet
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        assert [run.pk for run in services.do_fail_stopped_runs()] == [check.pk]

    check.refresh_from_db()
    assert check.status == ImportRun.Status.FAILED and not check.confirmable
    assert check.message == "The worker stopped while checking the file; nothing was written."
    assert list(services.upload_folder().iterdir()) == []


def test_a_long_import_keeps_its_lease_while_it_works(client, sales_head, monkeypatch):
    """The worker renews the lease as it goes: however long the import, a sweep by another
    worker leaves it running."""
    monkeypatch.setattr(services, "LEASE_SECONDS", 1.0)
    monkeypatch.setattr(services, "RENEW_SECONDS", 0.05)
    upload(client, sales_head)
    check = ImportRun.objects.get()
    swept = []

    def longer_than_the_lease_then_swept():
        time.sleep(2 * services.LEASE_SECONDS)
        swept.extend(services.do_fail_stopped_runs())

    import_stopping_at(
        monkeypatch, "matching rows with the records already here", longer_than_the_lease_then_swept
    )
    services.do_run(check.pk)

    check.refresh_from_db()
    assert swept == []
    assert check.status == ImportRun.Status.DONE and check.confirmable
