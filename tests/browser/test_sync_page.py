"""An admin reads on /sync/ who owns each field and hands one to the CRM, on a laptop (1440 px)
and a phone (390 px): the tables scroll in their own box, and axe finds nothing serious."""

import pytest
from playwright.sync_api import expect

from accord.crm_sync.models import Connection, FieldOwner, Side
from accord.crm_sync.services import do_connect
from tests.browser import test_accessibility as a11y
from tests.browser.conftest import _wait_for_server_threads

pytestmark = pytest.mark.browser

TOKEN = "pat-na1-aaaabbbb-cccc-dddd-eeee-ffff00001234"


@pytest.mark.parametrize("width", a11y.WIDTHS)
def test_an_admin_reads_and_changes_who_owns_a_field(
    browser, live_server, admin_user, axe_source, width
):
    do_connect(Connection.Kind.HUBSPOT, TOKEN)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("E-mail", exact=True).fill(admin_user.email)
    page.get_by_label("Password").fill("accord-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto("/sync/")
    hubspot = page.get_by_test_id("crm-hubspot")
    expect(hubspot.get_by_role("heading", name="Who owns each field")).to_be_visible()
    expect(hubspot.get_by_text("The CRM's value of a field it owns overwrites")).to_be_visible()
    contacts = hubspot.get_by_test_id("owners-contacts")
    expect(contacts.get_by_role("caption")).to_have_text("Contacts")
    stage = contacts.get_by_label("Lifecycle stage", exact=True)
    expect(stage).to_have_value(Side.ACCORD)
    expect(contacts.get_by_label("E-mail", exact=True)).to_have_value(Side.CRM)
    expect(
        hubspot.get_by_text("Pulled, never written back: calls, meetings, e-mails")
    ).to_be_visible()
    assert a11y._too_wide(page) is None
    assert a11y._serious_violations(page, axe_source) == []

    stage.select_option(label="The CRM")
    hubspot.get_by_role("button", name="Save the owners").click()

    expect(page.get_by_text("1 field owner changed.")).to_be_visible()
    expect(
        page.get_by_test_id("crm-hubspot")
        .get_by_test_id("owners-contacts")
        .get_by_label("Lifecycle stage", exact=True)
    ).to_have_value(Side.CRM)
    owner = FieldOwner.objects.get()
    assert (owner.object, owner.field, owner.owner) == ("contacts", "lifecycle_stage", Side.CRM)
    assert a11y._too_wide(page) is None
    assert a11y._serious_violations(page, axe_source) == []
    context.close()
    _wait_for_server_threads()
