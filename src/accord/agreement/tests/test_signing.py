from io import StringIO

import pytest
from django.core.management import call_command
from tests.factories import PersonFactory, TouchpointFactory

from accord.agreement.models import AgreementEvent, AgreementVersion, LeadScore
from accord.agreement.services import (
    AgreementRefused,
    do_comment,
    do_create_draft,
    do_edit,
    do_sign,
)
from accord.agreement.tests.conftest import document_data
from accord.crm.models import LifecycleChange
from accord.scoring import DocumentError
from accord.teams.models import User

Status = AgreementVersion.Status


def test_a_draft_with_one_signature_is_not_in_force(marketer, marketing_head):
    draft = do_create_draft(marketer, document_data())
    do_sign(draft, marketing_head)

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not AgreementVersion.objects.filter(status=Status.IN_FORCE).exists()


# The worker commits as it goes and checks its connection: no test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_second_signature_puts_the_draft_in_force_and_rescoring_follows(
    marketer, marketing_head, sales_head
):
    hot = PersonFactory(email="hot@acme.example")
    TouchpointFactory(person=hot, kind="form_fill")
    TouchpointFactory(person=hot, kind="form_fill")
    cold = PersonFactory(email="cold@acme.example")
    draft = do_create_draft(marketer, document_data())
    do_sign(draft, sales_head)

    version = do_sign(draft, marketing_head)

    assert version.status == Status.IN_FORCE and version.took_effect_at
    assert not LeadScore.objects.exists()  # a million people are the worker's job, not the page's
    call_command("worker", "--once", stdout=StringIO())
    assert LeadScore.objects.count() == 2
    hot.refresh_from_db()
    cold.refresh_from_db()
    assert (hot.lifecycle_stage, cold.lifecycle_stage) == ("mql", "lead")
    assert LeadScore.objects.get(person=hot).total == 100
    change = LifecycleChange.objects.get(person=hot)
    assert (change.from_stage, change.to_stage, change.reason) == ("lead", "mql", "agreement v1")


def test_the_previous_version_is_kept_as_superseded(
    signed_in_force, marketer, sales_head, marketing_head
):
    newer = do_create_draft(marketer, document_data(threshold={"min_total": 60}))
    do_sign(newer, marketing_head)
    do_sign(newer, sales_head)

    signed_in_force.refresh_from_db()
    assert signed_in_force.status == Status.SUPERSEDED
    assert AgreementVersion.objects.get(status=Status.IN_FORCE) == newer
    assert signed_in_force.document.threshold.min_total == 75


def test_only_heads_can_sign(marketer, rep, admin_user):
    draft = do_create_draft(marketer, document_data())
    for user in (marketer, rep, admin_user):
        with pytest.raises(AgreementRefused, match="Only the marketing head and the sales head"):
            do_sign(draft, user)
    assert not draft.signatures.exists()


def test_a_team_signs_a_version_once(marketer, marketing_head, marketing_team):
    second_head = User.objects.create_user(
        "head2@demo.accord", team=marketing_team, role=User.Role.HEAD
    )
    draft = do_create_draft(marketer, document_data())
    do_sign(draft, marketing_head)

    for head in (marketing_head, second_head):
        with pytest.raises(AgreementRefused, match="marketing head has already signed v1"):
            do_sign(draft, head)
    assert draft.signatures.count() == 1


def test_a_signature_on_an_outdated_draft_is_refused(marketer, rep, marketing_head, sales_head):
    first = do_create_draft(marketer, document_data())
    late = do_create_draft(rep, document_data(threshold={"min_total": 90}))
    do_sign(first, marketing_head)
    do_sign(first, sales_head)

    with pytest.raises(AgreementRefused, match="v2 is outdated: v1 took effect"):
        do_sign(late, sales_head)

    rebased = do_edit(late, rep, document_data(threshold={"min_total": 85}))
    assert rebased.based_on == first
    do_sign(rebased, sales_head)
    assert rebased.signatures.count() == 1


def test_signing_a_version_already_in_force_is_refused(signed_in_force, sales_head):
    with pytest.raises(AgreementRefused, match="v1 is in force"):
        do_sign(signed_in_force, sales_head)


def test_editing_a_signed_version_makes_a_new_draft(signed_in_force, rep):
    edited = do_edit(signed_in_force, rep, document_data(engagement={"half_life_days": 14}))

    assert edited.pk != signed_in_force.pk
    assert (edited.number, edited.status, edited.based_on) == (2, Status.DRAFT, signed_in_force)
    signed_in_force.refresh_from_db()
    assert signed_in_force.document.engagement.half_life_days == 30
    created = edited.events.get(kind=AgreementEvent.Kind.CREATED)
    assert created.detail == "Engagement half-life: 30 → 14 days"


def test_editing_an_unsigned_draft_changes_it_and_the_history_shows_the_diff(marketer, rep):
    draft = do_create_draft(marketer, document_data())
    same = do_edit(draft, rep, document_data(threshold={"min_total": 80, "min_grade": "A"}))

    assert same.pk == draft.pk
    assert same.document.threshold.min_total == 80
    edit = draft.events.get(kind=AgreementEvent.Kind.EDITED)
    assert edit.actor == rep
    assert edit.detail.splitlines() == [
        "MQL score threshold: 75 → 80 points",
        "MQL minimum grade: B → A",
    ]


def test_every_change_and_signature_is_in_the_history(marketer, rep, marketing_head, sales_head):
    draft = do_create_draft(marketer, document_data())
    do_comment(draft, rep, "Can we lower the threshold?")
    do_edit(draft, marketer, document_data(threshold={"min_total": 70}))
    do_sign(draft, marketing_head)
    do_sign(draft, sales_head)

    history = [(e.kind, e.actor) for e in draft.events.all()]
    assert history == [
        ("created", marketer),
        ("commented", rep),
        ("edited", marketer),
        ("signed", marketing_head),
        ("signed", sales_head),
        ("took_effect", sales_head),
    ]


def test_an_invalid_draft_is_refused_with_the_field_and_nothing_is_saved(marketer):
    with pytest.raises(DocumentError) as caught:
        do_create_draft(marketer, document_data(engagement={"half_life_days": -1}))
    assert caught.value.problems == ["engagement.half_life_days: Input should be greater than 0"]
    assert not AgreementVersion.objects.exists()


def test_someone_outside_both_teams_cannot_propose(db):
    outsider = User.objects.create_user("guest@demo.accord")
    with pytest.raises(AgreementRefused, match="marketing or sales team"):
        do_create_draft(outsider, document_data())
