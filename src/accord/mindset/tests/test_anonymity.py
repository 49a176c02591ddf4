"""Nobody, admins included, sees who wrote which shared-mindset answer: the answers hold no
user; each person still reads and replaces their own."""

import pytest

from accord.mindset.models import Answer
from accord.mindset.selectors import get_my_answer
from accord.mindset.services import do_answer
from accord.mindset.tests.conftest import three
from accord.teams.models import User

pytestmark = pytest.mark.django_db


def test_the_admin_shows_the_answers_but_never_who_wrote_them(
    client, admin_user, rep, other_rep, open_round
):
    do_answer(rep, three("Quality", "Service", "Reliable"))
    do_answer(other_rep, three("Price", "Service", "Reliable"))
    client.force_login(admin_user)

    listing = client.get("/admin/mindset/answer/")
    details = [client.get(f"/admin/mindset/answer/{a.pk}/change/") for a in Answer.objects.all()]
    by_name = client.get("/admin/mindset/answer/", {"q": "Ray Rep"})
    by_email = client.get("/admin/mindset/answer/", {"q": rep.email})

    shown = listing.content.decode() + "".join(d.content.decode() for d in details)
    assert "Quality" in shown and "Price" in shown
    for person in (rep, other_rep):
        assert person.email not in shown and person.full_name not in shown
        assert f"/admin/teams/user/{person.pk}/" not in shown
    assert by_name.context["cl"].result_count == by_email.context["cl"].result_count == 0


def test_an_answer_holds_no_link_to_a_user_not_even_in_the_database(rep, open_round):
    do_answer(rep, three("Quality", "Service", "Reliable"))

    links = [f.name for f in Answer._meta.get_fields() if f.related_model is User]
    stored = Answer.objects.values().get()

    assert links == [] and "person_id" not in stored
    assert not any(rep.email in str(value) for value in stored.values())


def test_each_person_still_finds_their_own_answer_and_nobody_elses(rep, other_rep, open_round):
    do_answer(rep, three("Quality", "Service", "Reliable"))

    assert get_my_answer(rep, open_round).first == "Quality"
    assert get_my_answer(other_rep, open_round) is None
