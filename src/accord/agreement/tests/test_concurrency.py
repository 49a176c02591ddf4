import pytest
from django.db import connection
from tests.concurrency import run_at_once

from accord.agreement.models import AgreementEvent, AgreementVersion
from accord.agreement.services import AgreementRefused, do_create_draft, do_sign
from accord.agreement.tests.conftest import document_data

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers, so signatures cannot race there",
    ),
]


def at_the_same_moment(*calls):
    """Run each (function, args) in its own thread and connection, released together."""
    work = [lambda f=function, a=args: f(*a) for function, args in calls]
    return run_at_once(work, expected=AgreementRefused)


def test_both_heads_signing_at_once_put_exactly_one_version_in_force(
    marketer, marketing_head, sales_head
):
    draft = do_create_draft(marketer, document_data())

    at_the_same_moment((do_sign, (draft, marketing_head)), (do_sign, (draft, sales_head)))

    assert list(AgreementVersion.objects.values_list("number", "status")) == [(1, "in_force")]
    assert draft.signatures.count() == 2
    assert AgreementEvent.objects.filter(kind="took_effect").count() == 1


def test_two_drafts_completed_at_once_leave_one_in_force_and_refuse_the_other(
    marketer, rep, marketing_head, sales_head
):
    first = do_create_draft(marketer, document_data())
    second = do_create_draft(rep, document_data(threshold={"min_total": 60}))
    do_sign(first, marketing_head)
    do_sign(second, sales_head)

    outcomes = at_the_same_moment(
        (do_sign, (first, sales_head)), (do_sign, (second, marketing_head))
    )

    assert AgreementVersion.objects.filter(status="in_force").count() == 1
    assert AgreementEvent.objects.filter(kind="took_effect").count() == 1
    refused = [o for o in outcomes if isinstance(o, AgreementRefused)]
    assert len(refused) == 1 and "outdated" in str(refused[0])
    assert first.signatures.count() + second.signatures.count() == 3
