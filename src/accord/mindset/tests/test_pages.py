"""The pages: a three-field form, and results with the consensus, the flag and the message."""

import pytest
from tests.factories import CampaignFactory

from accord.mindset.services import do_answer, do_close_round, do_start_round
from accord.mindset.tests.conftest import three

pytestmark = pytest.mark.django_db

SALES_VOICE = three("Quality", "Great service", "Reliable")
MARKETING_VOICE = three("Lowest price", "Innovative", "Easy to use")


def _text(response) -> str:
    return response.content.decode()


def _answered(people, voice):
    for person in people:
        do_answer(person, voice)


def test_a_rep_names_three_advantages_through_the_form(client, rep, open_round):
    client.force_login(rep)

    form = _text(client.get("/mindset/answer/"))
    response = client.post("/mindset/answer/", SALES_VOICE, follow=True)

    assert form.count('<input type="text"') == 3
    assert "Thank you: your three advantages are saved in Spring check." in _text(response)
    assert "Change your answers to Spring check" in _text(response)


def test_a_blank_field_is_refused_by_name_and_the_rest_is_kept(client, rep, open_round):
    client.force_login(rep)

    response = client.post("/mindset/answer/", three("Quality", "", "Reliable"))

    assert response.status_code == 422
    assert '<a href="#id_second">Second advantage: The second advantage is missing</a>' in _text(
        response
    )
    assert 'id="id_second_error"' in _text(response)  # beside the field too
    assert 'value="Reliable"' in _text(response)


def test_a_head_sees_the_consensus_the_flag_and_the_answers_that_disagree(
    client, sales_head, colleagues, open_round
):
    _answered(colleagues("sales", 3), SALES_VOICE)
    _answered(colleagues("marketing", 2), MARKETING_VOICE)
    do_close_round(sales_head, open_round.pk)
    client.force_login(sales_head)

    page = _text(client.get("/mindset/"))

    assert "<li>Quality <span" in page
    assert "60% match" in page and "No shared mindset" in page
    assert 'data-testid="disagreements"' in page and "“Lowest price”" in page
    assert "marketing3@example.com" not in page and "sales0@example.com" not in page
    assert 'data-testid="named-chart"' in page


def test_a_rep_sees_the_results_but_not_the_wordings(
    client, rep, sales_head, colleagues, open_round
):
    _answered(colleagues("sales", 3), SALES_VOICE)
    do_close_round(sales_head, open_round.pk)
    client.force_login(rep)

    page = _text(client.get("/mindset/"))

    assert "100% match" in page and "Shared mindset</p>" in page
    assert 'data-testid="disagreements"' not in page
    assert "The team heads see the answers that disagree" in page


def test_the_page_shows_where_campaigns_sell_on_something_else(
    client, marketing_head, colleagues, open_round
):
    _answered(colleagues("sales", 3), SALES_VOICE)
    CampaignFactory(advantage="Lowest price in its class")
    CampaignFactory(advantage="Best value for money")
    CampaignFactory(advantage="")
    do_close_round(marketing_head, open_round.pk)
    client.force_login(marketing_head)

    page = _text(client.get("/mindset/"))

    assert "Marketing&#x27;s campaigns sell on price and value (100% of campaigns)" in page
    assert "while Sales sells on quality" in page
    assert 'data-testid="message-chart"' in page


def test_semantic_grouping_without_the_extra_says_so(
    client, rep, sales_head, open_round, monkeypatch
):
    from accord.mindset import semantic

    monkeypatch.setattr(semantic, "semantic_available", lambda: False)
    do_close_round(sales_head, open_round.pk)
    client.force_login(rep)

    page = _text(client.get("/mindset/?method=semantic"))

    assert "needs the optional semantic extra" in page


def test_a_head_starts_a_round_from_the_page(client, marketing_head):
    client.force_login(marketing_head)

    page = _text(client.post("/mindset/rounds/start/", {"title": "Q1 review"}, follow=True))

    assert "Q1 review is open: everybody in both teams can answer now." in page


def test_without_a_round_the_page_says_how_to_start(client, rep):
    client.force_login(rep)

    page = _text(client.get("/mindset/"))

    assert "No round yet" in page
    assert 'href="/mindset/" aria-current="page">Mindset</a>' in page
    assert "Start a new round" not in page


def test_an_unknown_round_is_not_found(client, rep, sales_head):
    do_start_round(sales_head, "")
    client.force_login(rep)

    assert client.get("/mindset/?round=999").status_code == 404


def test_the_pages_ask_to_log_in(client):
    assert client.get("/mindset/").status_code == 302
    assert client.get("/mindset/answer/").status_code == 302
