"""A draft suggested from history, fitted on who became an opportunity, checked on others."""

import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from accord.agreement.defaults import default_document
from accord.agreement.models import AgreementEvent, AgreementVersion
from accord.agreement.selectors import get_agreement_in_force
from accord.agreement.services import AgreementRefused, do_create_draft, do_sign, do_suggest_draft
from accord.agreement.suggestion import NotEnoughHistory, suggest_from_history
from accord.demo.services import do_load_demo
from accord.teams.models import User

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)
AUCS = re.compile(r"this draft (0\.\d+), v\d+ \(in force\) (0\.\d+)")


@pytest.fixture
def demo_company():
    """The small demo company, with an agreement in force signed by both of its heads."""
    with time_machine.travel(TODAY, tick=False):
        do_load_demo(seed=7, size="small", today=TODAY.date(), progress=False)
        if get_agreement_in_force() is None:
            heads = {u.team_kind: u for u in User.objects.filter(role=User.Role.HEAD)}
            version = do_create_draft(heads["marketing"], default_document())
            do_sign(version, heads["marketing"])
            do_sign(version, heads["sales"])
        yield get_agreement_in_force()


def _marketer() -> User:
    return User.objects.get(email="marketer1@demo.accord")


def test_the_suggestion_beats_the_version_in_force_on_held_out_history(demo_company):
    suggested = suggest_from_history(demo_company, months=12)

    assert suggested.in_force == demo_company.number
    assert suggested.held_out_converted >= 8
    assert suggested.auc > suggested.in_force_auc


def test_a_suggested_draft_waits_for_both_signatures_and_says_how_it_did(demo_company):
    draft = do_suggest_draft(_marketer(), months=12)

    assert draft.status == AgreementVersion.Status.DRAFT
    assert draft.based_on == demo_company
    assert draft.signatures.count() == 0
    comment = draft.comments.get().body
    ours, in_force = (float(x) for x in AUCS.search(comment).groups())
    assert ours > in_force
    assert "people held out" in comment
    kinds = set(draft.events.values_list("kind", flat=True))
    assert {AgreementEvent.Kind.CREATED, AgreementEvent.Kind.COMMENTED} <= kinds
    assert draft.document.fit_rules  # a table of points anyone can read on the draft's page
    assert draft.document.sla == demo_company.document.sla


def test_only_the_two_teams_may_ask_for_a_suggestion(demo_company):
    outsider = User.objects.create_user("guest@example.com", password="x")

    with pytest.raises(AgreementRefused):
        do_suggest_draft(outsider)


def test_too_little_history_is_refused_with_the_reason(signed_in_force, marketer):
    with pytest.raises(NotEnoughHistory, match="too few to learn from"):
        do_suggest_draft(marketer)

    assert AgreementVersion.objects.count() == 1


def test_the_command_creates_the_draft_and_prints_the_comparison(demo_company):
    out = StringIO()

    call_command("agreement", "suggest", "--months", "12", stdout=out)

    text = out.getvalue()
    draft = AgreementVersion.objects.get(
        status=AgreementVersion.Status.DRAFT, comments__isnull=False
    )
    assert f"Draft v{draft.number} was created." in text
    assert f"v{demo_company.number} (in force)" in text
    assert AUCS.search(text)
    assert draft.created_by.email == "marketing.head@demo.accord"


def test_the_command_refuses_a_bad_period(demo_company):
    with pytest.raises(CommandError, match="--months must be from 1 to 36"):
        call_command("agreement", "suggest", "--months", "0", stdout=StringIO())


def test_a_marketer_suggests_a_draft_from_the_agreement_page(client, demo_company):
    client.force_login(_marketer())
    page = client.get("/agreement/").content.decode()
    assert "Suggest a draft from history" in page

    response = client.post("/agreement/suggest/", {"months": "12"}, follow=True)

    draft = AgreementVersion.objects.get(
        status=AgreementVersion.Status.DRAFT, comments__isnull=False
    )
    assert response.redirect_chain[-1][0] == f"/agreement/{draft.number}/"
    page = response.content.decode()
    assert f"Draft v{draft.number} was suggested from history." in page
    assert AUCS.search(page)


def test_the_page_explains_when_history_is_too_short(client, signed_in_force, marketer):
    client.force_login(marketer)

    response = client.post("/agreement/suggest/", {"months": "3"}, follow=True)

    assert "too few to learn from" in response.content.decode()
    assert AgreementVersion.objects.count() == 1


def test_the_api_suggests_a_draft_with_its_comparison(api_as, demo_company):
    response = api_as(_marketer()).post("/agreement/suggestions", {"months": 12})

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["based_on"] == demo_company.number
    assert AUCS.search(body["comments"][0]["body"])


def test_the_api_says_why_it_cannot_suggest(api_as, signed_in_force, marketer):
    assert api_as(marketer).post("/agreement/suggestions", {"months": 3}).status_code == 422
    assert api_as(marketer).post("/agreement/suggestions", {"months": 99}).status_code == 422
    assert AgreementVersion.objects.count() == 1
