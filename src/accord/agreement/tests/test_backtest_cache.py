"""A draft's backtest is worked out once per draft, version in force and state of the history."""

import pytest
from tests.factories import AccountFactory, PersonFactory, TouchpointFactory

from accord.agreement import backtest
from accord.agreement.services import do_create_draft, do_edit
from accord.crm.models import Account

from .conftest import document_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def replays(monkeypatch):
    """How many documents were replayed on history."""
    calls = []
    real = backtest.run_backtest

    def counted(doc, history):
        calls.append(doc)
        return real(doc, history)

    monkeypatch.setattr(backtest, "run_backtest", counted)
    return calls


@pytest.fixture
def draft(signed_in_force, marketer):
    PersonFactory(account=AccountFactory(industry="Software", employee_count=500))
    return do_create_draft(marketer, document_data(threshold={"min_total": 65}))


def _view(client, number, months=6):
    response = client.get(f"/agreement/{number}/?months={months}")
    assert response.status_code == 200
    return response.content.decode()


def test_viewing_a_draft_again_replays_nothing(client, rep, draft, replays):
    client.force_login(rep)

    first = _view(client, draft.number)
    second = _view(client, draft.number)

    assert len(replays) == 2  # the draft and the version in force, once
    section = 'data-testid="backtest-table"'
    assert section in second
    assert first[first.index(section) :].count("<tr") == second[second.index(section) :].count(
        "<tr"
    )


def test_new_history_a_new_period_or_an_edited_draft_replays_again(
    client, rep, marketer, draft, replays
):
    client.force_login(rep)
    _view(client, draft.number)

    TouchpointFactory(person=PersonFactory())
    _view(client, draft.number)
    _view(client, draft.number, months=3)
    do_edit(draft, marketer, document_data(threshold={"min_total": 60}))
    _view(client, draft.number)

    assert len(replays) == 8


def test_a_changed_account_replays_again(client, rep, draft, replays):
    client.force_login(rep)
    _view(client, draft.number)

    account = Account.objects.first()
    account.industry = "Retail"
    account.save(update_fields=["industry"])
    _view(client, draft.number)

    assert len(replays) == 4
