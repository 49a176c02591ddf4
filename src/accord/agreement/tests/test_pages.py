"""The agreement's pages: readable by everyone, drafts with their diff, comments and signatures."""

import json

import pytest
from django.utils.timezone import localtime

from accord.agreement.models import AgreementVersion
from accord.agreement.services import do_create_draft, do_sign
from accord.agreement.tests.conftest import document_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(signed_in_force, marketer, marketing_head):
    """v2 lowers the MQL threshold from 75 to 65; the marketing head has signed it."""
    version = do_create_draft(marketer, document_data(threshold={"min_total": 65}))
    return do_sign(version, marketing_head)


def _text(response) -> str:
    return response.content.decode()


def test_everybody_reads_the_agreement_in_force_in_plain_language(client, rep, signed_in_force):
    client.force_login(rep)

    page = _text(client.get("/agreement/"))

    assert "A lead is qualified when its fit grade is B or better and its score is at least 75" in (
        page
    )
    assert "Software company: industry is Software — +40 points" in page
    assert "Form fill: 20 points each, at most 40" in page
    assert "Free-mail addresses (gmail.com)" in page
    assert (
        "Marketing delivers 50 MQLs of grade B or better a month; Sales makes first contact "
        "within 4 working hours and accepts or rejects within 2 working days." in page
    )
    assert 'href="/agreement/1/"' in page
    assert ">Agreement</a>" in page  # in the navigation


def test_the_default_agreement_reads_in_plain_words(client, rep, agreement_in_force):
    client.force_login(rep)

    page = _text(client.get("/agreement/"))

    assert "Page view: 1 point each, at most 10" in page
    assert "Touches from events: 5 extra points" in page
    assert "Students: titles containing the word student, intern or trainee" in page


def test_the_pages_ask_to_log_in(client, signed_in_force):
    response = client.get("/agreement/1/")

    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_a_draft_shows_what_it_changes_from_the_version_in_force(client, rep, draft):
    client.force_login(rep)

    page = _text(client.get("/agreement/2/"))

    assert "What changes from v1 (in force)" in page
    assert "MQL score threshold: 75 → 65 points" in page
    assert "Maria Head for marketing" in page
    assert "Sign v2" not in page


def test_only_the_head_who_has_not_signed_sees_the_sign_button(
    client, draft, sales_head, marketing_head
):
    client.force_login(sales_head)
    assert "Sign v2" in _text(client.get("/agreement/2/"))

    client.force_login(marketing_head)
    assert "Sign v2" not in _text(client.get("/agreement/2/"))


def test_the_second_head_signs_and_the_draft_takes_effect(client, draft, sales_head):
    client.force_login(sales_head)

    response = client.post("/agreement/2/sign/", follow=True)

    assert response.redirect_chain[-1][0] == "/agreement/"
    page = _text(response)
    assert "You signed v2; it is now in force." in page
    assert "Version 2 is in force" in page
    assert "its score is at least 65" in page


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_the_page_says_while_the_worker_rescores_under_a_new_version(client, draft, sales_head):
    from io import StringIO

    from django.core.management import call_command

    client.force_login(sales_head)
    client.post("/agreement/2/sign/")

    waiting = _text(client.get("/agreement/"))
    call_command("worker", "--once", stdout=StringIO())
    done = _text(client.get("/agreement/"))

    assert "The worker is scoring everybody again under version 2" in waiting
    assert "Everybody was scored under version 2" not in waiting
    assert "The worker is scoring everybody again" not in done
    scored_at = AgreementVersion.objects.get(number=2).everybody_scored_at
    assert (
        f"Everybody was scored under version 2 on {localtime(scored_at):%-d %B %Y, %H:%M}" in done
    )


def test_a_refused_signature_is_shown_and_nothing_is_signed(client, draft, rep):
    client.force_login(rep)

    page = _text(client.post("/agreement/2/sign/", follow=True))

    assert "Only the marketing head and the sales head can sign" in page
    assert AgreementVersion.objects.get(number=2).signatures.count() == 1


def test_a_comment_appears_on_the_draft(client, draft, marketer):
    client.force_login(marketer)

    page = _text(
        client.post("/agreement/2/comment/", {"body": "65 is too low for EMEA"}, follow=True)
    )

    assert "Your comment was added." in page
    assert "65 is too low for EMEA" in page


def test_an_empty_comment_is_refused_with_the_reason(client, draft, marketer):
    client.force_login(marketer)

    page = _text(client.post("/agreement/2/comment/", {"body": "  "}, follow=True))

    assert "A comment needs some text" in page
    assert not draft.comments.exists()


def test_the_proposal_form_starts_from_the_version_in_force(client, marketer, signed_in_force):
    client.force_login(marketer)

    page = client.get("/agreement/propose/json/").context["text"]

    assert json.loads(page) == signed_in_force.document_data


def test_an_invalid_proposal_names_the_field_and_the_reason(client, marketer, signed_in_force):
    client.force_login(marketer)
    document = document_data(engagement={"half_life_days": 0})

    response = client.post("/agreement/propose/json/", {"document": json.dumps(document)})

    assert response.status_code == 422
    assert "engagement.half_life_days: Input should be greater than 0" in _text(response)
    assert AgreementVersion.objects.count() == 1


def test_a_valid_proposal_becomes_a_draft(client, marketer, signed_in_force):
    client.force_login(marketer)
    document = document_data(sla={"mqls_per_month": 80})

    response = client.post(
        "/agreement/propose/json/", {"document": json.dumps(document)}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/agreement/2/"
    assert "MQLs Marketing commits to per month: 50 → 80" in _text(response)


def test_a_draft_shows_its_backtest_beside_the_version_in_force(client, rep, draft):
    client.force_login(rep)

    response = client.get("/agreement/2/", {"months": 2})

    page = _text(response)
    assert "Backtest: the last 2 months" in page
    assert 'data-testid="backtest-chart"' in page
    assert len(response.context["backtest"].rows()) == 2
    assert page.count("v1 (in force)</td>") == 2
    assert page.count("<td>v2</td>") == 2  # the draft's rows are not labelled in force


@pytest.mark.django_db(transaction=True)
def test_no_rescoring_note_when_everybody_is_scored_before_the_worker_comes(
    client, draft, sales_head
):
    from accord.agreement.services import do_rescore_all

    client.force_login(sales_head)
    client.post("/agreement/2/sign/")
    do_rescore_all()  # as `accord demo` does as it loads, before any worker runs

    page = _text(client.get("/agreement/"))

    assert "The worker is scoring everybody again" not in page
    assert "Everybody was scored under version 2" in page
