"""A round's results are published when it closes, all at once: while it is open, comparing the
results before and after one person answered must tell nothing of what they wrote."""

import re

import pytest

from accord.audit.models import AuditEntry
from accord.mindset.services import MindsetRefused, do_answer, do_close_round
from accord.mindset.tests.conftest import three

pytestmark = pytest.mark.django_db


def _seen(client, api, round_id) -> tuple[str, dict]:
    page = client.get(f"/mindset/?round={round_id}").content.decode()
    return page, api.get("/mindset/results", round=round_id).json()


def test_an_open_round_shows_neither_page_nor_api_results_only_how_many_answered(
    client, api_as, sales_head, colleagues, open_round
):
    for person in colleagues("sales", 3):
        do_answer(person, three("Quality", "Great service", "Reliable"))
    client.force_login(sales_head)

    page, results = _seen(client, api_as(sales_head), open_round.pk)

    assert 'data-testid="withheld"' in page and "3 answers so far." in page
    assert "Quality" not in page and "% match" not in page
    assert results["published"] is False and results["answers"] == 3
    assert results["overall"] is None and results["consensus"] == results["named"] == []
    assert results["disagreements"] is None and results["message"] == []


def test_recording_the_results_before_and_after_one_answer_tells_nothing_of_it(
    client, api_as, sales_head, colleagues, open_round
):
    for person in colleagues("sales", 3):
        do_answer(person, three("Quality", "Great service", "Reliable"))
    latecomer = colleagues("marketing", 1)[0]
    client.force_login(sales_head)
    api = api_as(sales_head)

    before = _seen(client, api, open_round.pk)
    do_answer(latecomer, three("Cheapest", "Innovative", "Easy to use"))
    after = _seen(client, api, open_round.pk)

    def without_count(seen):
        page, results = seen
        page = re.sub(r"[A-Za-z0-9]{64}", "", page)  # each page has its own CSRF token
        return page.replace("4 answers", "3 answers"), {**results, "answers": 0}

    assert "Cheapest" not in after[0] and "Cheapest" not in str(after[1])
    assert without_count(before) == without_count(after)


def test_a_head_closes_the_round_from_the_page_and_its_results_appear(
    client, api_as, rep, sales_head, colleagues, open_round
):
    for person in colleagues("sales", 3):
        do_answer(person, three("Quality", "Great service", "Reliable"))
    client.force_login(sales_head)

    closing = client.post("/mindset/rounds/close/", {"round": open_round.pk}, follow=True)
    again = client.post("/mindset/rounds/close/", {"round": open_round.pk}, follow=True)
    client.force_login(rep)
    page, results = _seen(client, api_as(rep), open_round.pk)

    assert "Spring check is closed: its results are published." in closing.content.decode()
    assert again.status_code == 200
    assert "<li>Quality <span" in page and "100% match" in page
    assert 'data-testid="withheld"' not in page
    assert results["published"] is True and results["overall"]["percent"] == 100
    closings = AuditEntry.objects.filter(record_type="mindset round", new_value="closed")
    assert list(closings.values_list("record_id", "actor")) == [(str(open_round.pk), sales_head.pk)]


def test_only_a_head_closes_a_round(client, rep, open_round):
    client.force_login(rep)

    with pytest.raises(MindsetRefused):
        do_close_round(rep, open_round.pk)
    page = client.post("/mindset/rounds/close/", {"round": open_round.pk}, follow=True)

    assert "Only a team head or an administrator" in page.content.decode()
    open_round.refresh_from_db()
    assert open_round.is_open
