"""A head imports last year's HubSpot export from the browser: the check shows what would
change while the page follows the worker, and the import lands after one more click."""

import re

import pytest
from playwright.sync_api import expect

from accord.crm.models import Person
from accord.imports.models import ImportRun
from accord.imports.runs.services import do_run
from accord.imports.tests.helpers import FIXTURES
from tests.browser import test_accessibility as a11y

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def worker_takes_the_queued_run(page):
    """Run the queued job as `accord worker` would, just after the page asked for its status
    (the live server and this thread share one SQLite connection, so not both at once)."""
    with page.expect_response(re.compile(r"/imports/\d+/$")):
        pass
    do_run(ImportRun.objects.get(status=ImportRun.Status.QUEUED).pk)


def test_a_head_checks_and_imports_a_hubspot_export(page, log_in, marketing_head):
    log_in(marketing_head.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    page.get_by_label("File", exact=True).set_input_files(FIXTURES / "hubspot-contacts.csv")
    page.get_by_role("button", name="Check the file").click()

    status = page.get_by_test_id("run-status")
    expect(status).to_contain_text("Waiting for the worker")
    worker_takes_the_queued_run(page)
    expect(status).to_contain_text("every row is valid")  # the page followed without a reload
    people = page.get_by_test_id("counts").get_by_role("row", name=re.compile("^People"))
    expect(people.get_by_role("cell")).to_have_text(["People", "4", "0", "0"])
    assert Person.objects.count() == 0

    page.get_by_role("button", name="Import it").click()
    worker_takes_the_queued_run(page)
    expect(status).to_contain_text("Imported as HubSpot contacts")
    assert Person.objects.count() == 4


def test_a_head_maps_two_custom_stages_and_an_owner_on_the_check_page_then_imports(
    page, log_in, marketing_head, rep
):
    log_in(marketing_head.email)
    page.goto("/imports/")
    page.get_by_label("File", exact=True).set_input_files(
        FIXTURES / "hubspot-contacts-stages-owner.csv"
    )
    page.get_by_role("button", name="Check the file").click()
    status = page.get_by_test_id("run-status")
    worker_takes_the_queued_run(page)

    expect(status).to_contain_text("Map the values Accord does not know")
    # Each value starts on a best guess, which the head confirms or changes.
    expect(page.get_by_label("Product Qualified Lead")).to_have_value("mql")
    expect(page.get_by_label("Olga Former")).to_have_value("unassigned")
    page.get_by_label("Demo Requested").select_option(label="Sales qualified lead")
    page.get_by_label("Olga Former").select_option(label="Ray Rep (rep1@demo.accord)")
    page.get_by_role("button", name="Save these mappings and check the file again").click()

    expect(page.get_by_text("The mappings were saved")).to_be_visible()
    worker_takes_the_queued_run(page)
    expect(status).to_contain_text("every row is valid")
    page.get_by_role("button", name="Import it").click()
    worker_takes_the_queued_run(page)
    expect(status).to_contain_text("Imported as HubSpot contacts")

    cleo = Person.objects.get(email="cleo.park@acme.example")
    assert (cleo.lifecycle_stage, cleo.owner) == ("sql", rep)
    assert Person.objects.filter(lifecycle_stage="mql").count() == 2
    assert Person.objects.get(email="ben.ode@acme.example").owner == rep


@pytest.mark.parametrize("width", [1440, 390])
def test_the_mapping_table_fits_the_screen_and_passes_axe(
    page, log_in, marketing_head, rep, axe_source, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(marketing_head.email)
    page.goto("/imports/")
    page.get_by_label("File", exact=True).set_input_files(
        FIXTURES / "hubspot-contacts-stages-owner.csv"
    )
    page.get_by_role("button", name="Check the file").click()
    worker_takes_the_queued_run(page)
    expect(page.get_by_test_id("mappings")).to_be_visible()

    assert a11y._too_wide(page) is None
    assert a11y._serious_violations(page, axe_source) == []  # as every page of the menu
