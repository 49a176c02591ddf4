"""The pages: the questionnaire with a radio button per rating, the results as aggregates only."""

import pytest

from accord.alignment.services import do_answer, do_close_round, do_open_round
from accord.alignment.tests.conftest import uniform

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def _answered_by(people, score):
    for person in people:
        do_answer(person, uniform(score))


def test_a_rep_answers_with_one_radio_button_per_statement_and_rating(client, rep, open_round):
    client.force_login(rep)

    form = _text(client.get("/alignment/assessment/"))
    response = client.post("/alignment/assessment/", uniform(4), follow=True)

    assert form.count('type="radio"') == 100
    assert "S1. Sales and Marketing work towards revenue targets they set together." in form
    assert "Thank you: your answers to Round 1 are saved." in _text(response)
    assert "Your total: 80 of 100, Integrated." in _text(response)


def test_an_incomplete_form_is_refused_naming_the_statements_left_out(client, rep, open_round):
    client.force_login(rep)
    partial = uniform(3)
    del partial["respect"]

    response = client.post("/alignment/assessment/", partial)

    assert response.status_code == 422
    page = _text(response)
    assert "Not rated yet:" in page
    assert "S19 People in each team respect the skills of the other." in page
    assert page.count("checked") == 19  # what was chosen stays chosen


def test_the_form_shows_my_earlier_answers(client, rep, open_round):
    do_answer(rep, uniform(2))
    client.force_login(rep)

    page = _text(client.get("/alignment/assessment/"))

    assert page.count("checked") == 20
    assert "answering again replaces your answers" in page


def test_a_head_sees_stages_and_gaps_but_no_one_persons_answers(
    client, sales_head, colleagues, open_round
):
    sales, marketing = colleagues("sales", 3), colleagues("marketing", 3)
    _answered_by(sales, 2)
    do_answer(marketing[0], uniform(5, respect=1))
    _answered_by(marketing[1:], 4)
    do_close_round(sales_head)
    client.force_login(sales_head)

    page = _text(client.get("/alignment/"))

    assert 'data-testid="stage-sales"' in page and "Defined" in page
    assert "mean total 40.0 of 100 · 3 answers" in page
    assert "mean total 85.3 of 100 · 3 answers" in page
    assert 'data-testid="gap-chart"' in page
    assert "Marketing higher: People in each team respect the skills of the other." in page
    assert "Your answers" not in page  # the head has not answered
    assert "marketing1" not in page and sales[0].email not in page


def test_a_small_team_shows_fewer_than_3_answers(
    client, marketer, sales_head, colleagues, open_round
):
    _answered_by(colleagues("sales", 3), 3)
    _answered_by(colleagues("marketing", 2), 5)
    do_close_round(sales_head)
    client.force_login(marketer)

    page = _text(client.get("/alignment/"))

    assert page.count("fewer than 3 answers") >= 22  # team card, overall, 20 statements
    assert "Sales higher" not in page and "Marketing higher" not in page


def test_next_steps_link_to_the_page_that_supports_them(
    client, rep, sales_head, colleagues, open_round
):
    _answered_by(colleagues("sales", 3) + colleagues("marketing", 3), 1)
    do_close_round(sales_head)
    client.force_login(rep)

    page = _text(client.get("/alignment/"))

    assert "Undefined" in page
    assert "Hold regular joint meetings and keep a contact directory" in page


def test_an_open_round_says_its_results_come_when_it_closes(client, rep, colleagues, open_round):
    _answered_by(colleagues("sales", 3) + colleagues("marketing", 3), 2)
    client.force_login(rep)

    page = _text(client.get("/alignment/"))

    assert 'data-testid="withheld"' in page
    assert "The results of Round 1 are published when it closes" in page
    assert "3 answers so far, published when the round closes" in page
    assert "mean total" not in page and 'data-testid="gap-chart"' not in page


def test_a_head_opens_and_closes_rounds_from_the_page(client, marketing_head):
    client.force_login(marketing_head)

    opened = _text(client.post("/alignment/rounds/open/", follow=True))
    closed = _text(client.post("/alignment/rounds/close/", follow=True))

    assert "Round 1 is open: everybody in both teams can answer now." in opened
    assert "Round 1 is closed." in closed


def test_a_rep_may_not_open_a_round(client, rep):
    client.force_login(rep)

    page = _text(client.post("/alignment/rounds/open/", follow=True))

    assert "Only a team head or an admin opens and closes assessment rounds" in page
    assert "Open a new round" not in page


def test_an_earlier_round_is_shown_on_its_own_for_htmx(client, rep, sales_head):
    do_open_round(sales_head)
    client.force_login(rep)

    response = client.get("/alignment/?round=1", headers={"HX-Request": "true"})

    assert "<h2>Round 1 (open)</h2>" in _text(response)
    assert "<html" not in _text(response)
    assert client.get("/alignment/?round=9").status_code == 404


def test_the_navigation_names_alignment(client, rep):
    client.force_login(rep)

    page = _text(client.get("/alignment/"))

    assert 'href="/alignment/" aria-current="page">Alignment</a>' in page
    assert "No assessment round yet" in page


def test_the_pages_ask_to_log_in(client):
    assert client.get("/alignment/").status_code == 302
    assert client.get("/alignment/assessment/").status_code == 302


def test_the_admin_shows_who_took_part_but_never_an_answer(client, admin_user, rep, open_round):
    do_answer(rep, uniform(5, respect=1))
    client.force_login(admin_user)

    responses = _text(client.get("/admin/alignment/assessmentresponse/"))
    ratings = client.get("/admin/alignment/rating/")

    assert "Ray Rep" in responses and ">96<" not in responses
    assert ratings.status_code == 200 and ratings.context["cl"].result_count == 0
