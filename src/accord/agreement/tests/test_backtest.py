"""Backtest: a draft replayed on a hand-built history gives exactly the figures worked out by hand.

The test agreement gives a Software company of 100-5000 employees 60 fit points (grade A); a form
fill is worth 20 points, halving every 30 days. In force, an MQL needs 75 points; the draft 65.
"""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from tests.factories import AccountFactory, OpportunityFactory, PersonFactory, TouchpointFactory

from accord.agreement.backtest import History, run_backtest
from accord.agreement.services import do_create_draft
from accord.crm.models import ExchangeRate, LifecycleChange, Person, PipelineStage
from accord.handoff.models import Handoff, RejectReason
from accord.scoring import check_document
from accord.touchpoints.models import Touchpoint

from .conftest import document_data

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 4, 15, 12, tzinfo=dt.UTC)
LONG_AGO = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)


def _at(month, day, hour=0):
    year = 2025 if month == 12 else 2026
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def _person(industry="Software", email=None, form_fills=()):
    account = AccountFactory(industry=industry, employee_count=500)
    extra = {"email": email} if email else {}
    person = PersonFactory(account=account, created_at=LONG_AGO, **extra)
    for at in form_fills:
        TouchpointFactory(person=person, kind=Touchpoint.Kind.FORM_FILL, occurred_at=at)
    return person


def _step(person, from_stage, to_stage, at):
    LifecycleChange.objects.create(
        person=person, from_stage=from_stage, to_stage=to_stage, changed_at=at
    )


@pytest.fixture
def hand_built():
    """January to March 2026."""
    won = _person(form_fills=[_at(1, 30, 12)])  # 79 points on 1 Feb: an MQL in January
    _step(won, "mql", "sql", _at(2, 10))
    _step(won, "sql", "opportunity", _at(2, 12))
    _step(won, "opportunity", "customer", _at(3, 5))
    OpportunityFactory(
        account=won.account,
        primary_contact=won,
        stage=PipelineStage.CLOSED_WON,
        amount=Decimal("1000.00"),
        created_date=dt.date(2026, 2, 12),
        close_date=dt.date(2026, 3, 5),
    )
    rejected = _person(form_fills=[_at(2, 10)])  # 73 points on 1 March: only the draft's MQL
    _step(rejected, "mql", "lead", _at(2, 20))
    _person(email="someone@gmail.com", form_fills=[_at(3, 20), _at(3, 21)])  # free mail
    _person(form_fills=[_at(12, 30), _at(12, 30)])  # 98 points on 1 January: an MQL before
    lost = _person(form_fills=[_at(3, 20)])  # 75 points on 1 April: an MQL in March
    OpportunityFactory(
        account=lost.account,
        primary_contact=lost,
        stage=PipelineStage.CLOSED_LOST,
        amount=Decimal("500.00"),
        created_date=dt.date(2026, 3, 25),
    )
    poor_fit = _person(industry="Retail", form_fills=[_at(3, 1), _at(3, 2)])  # grade C
    _step(poor_fit, "sal", "disqualified", _at(3, 10))


@pytest.fixture
def history(hand_built):
    """The hand-built history, seen from 15 April."""
    with time_machine.travel(NOW, tick=False):
        return History(months=3)


def _figures(backtest):
    return [
        (
            m.label,
            m.mqls,
            m.sql,
            m.opportunity,
            m.won,
            m.revenue,
            m.rejected,
            m.let_through,
        )
        for m in backtest.months
    ]


def test_the_version_in_force_on_the_hand_built_history(history):
    backtest = run_backtest(check_document(document_data()), history)

    assert _figures(backtest) == [
        ("2026-01", 1, 1, 1, 1, Decimal("1000.00"), 0, 0),
        ("2026-02", 0, 0, 0, 0, Decimal("0.00"), 1, 0),
        ("2026-03", 1, 1, 1, 0, Decimal("0.00"), 1, 0),
    ]
    assert backtest.months[0].share(backtest.months[0].won) == 1.0
    assert backtest.months[1].share(0) is None


def test_a_lower_threshold_lets_through_the_lead_sales_rejected(history):
    draft = check_document(document_data(threshold={"min_total": 65}))

    backtest = run_backtest(draft, history)

    assert _figures(backtest) == [
        ("2026-01", 1, 1, 1, 1, Decimal("1000.00"), 0, 0),
        ("2026-02", 1, 0, 0, 0, Decimal("0.00"), 1, 1),
        ("2026-03", 1, 1, 1, 0, Decimal("0.00"), 1, 0),
    ]
    total = backtest.total
    assert (total.mqls, total.revenue, total.rejected, total.let_through) == (
        3,
        Decimal("1000.00"),
        2,
        1,
    )


def test_the_command_prints_the_draft_beside_the_version_in_force(
    hand_built, signed_in_force, marketer
):
    do_create_draft(marketer, document_data(threshold={"min_total": 65}))
    out = StringIO()

    with time_machine.travel(NOW, tick=False):
        call_command("agreement", "backtest", "2", "--months", "3", stdout=out)

    lines = [line.split() for line in out.getvalue().splitlines()]
    assert lines[0][:3] == ["Month", "Version", "MQLs"]
    assert lines[1:] == [
        ["2026-01", "v2", "1", "1", "(100%)", "1", "(100%)", "1", "(100%)", "1000.00", "0", "0"],
        ["2026-01", "v1", "(in", "force)", "1", "1", "(100%)", "1", "(100%)", "1", "(100%)"]
        + ["1000.00", "0", "0"],
        ["2026-02", "v2", "1", "0", "(0%)", "0", "(0%)", "0", "(0%)", "0.00", "1", "1"],
        ["2026-02", "v1", "(in", "force)", "0", "0", "0", "0", "0.00", "1", "0"],
        ["2026-03", "v2", "1", "1", "(100%)", "1", "(100%)", "0", "(0%)", "0.00", "1", "0"],
        ["2026-03", "v1", "(in", "force)", "1", "1", "(100%)", "1", "(100%)", "0", "(0%)"]
        + ["0.00", "1", "0"],
    ]


def test_the_command_refuses_an_unknown_version(db):
    with pytest.raises(CommandError, match="no such agreement version"):
        call_command("agreement", "backtest", "9")


def test_a_handoff_sales_rejected_counts_once_in_its_month(rep, sales_team):
    """Rejected twice in February (handoff, then a step back to lead): one rejected lead."""
    person = _person(form_fills=[_at(2, 25)])  # 79 points on 1 March under both versions
    Handoff.objects.create(
        person=person,
        assigned_to=rep,
        team=sales_team,
        reason="Round robin",
        status=Handoff.Status.REJECTED,
        reject_reason=RejectReason.BAD_TIMING,
        handed_off_at=_at(2, 26),
        first_touch_due_at=_at(2, 27),
        decision_due_at=_at(2, 28),
        decided_at=_at(2, 27),
    )
    _step(person, "mql", "lead", _at(2, 27))
    with time_machine.travel(NOW, tick=False):
        history = History(months=3)

    february = run_backtest(check_document(document_data()), history).months[1]

    assert (february.mqls, february.rejected, february.let_through) == (1, 1, 1)


def test_revenue_is_in_the_reporting_currency_and_a_deal_without_a_rate_is_counted_apart(
    hand_built, client, marketing_head
):
    won = Person.objects.get(lifecycle_changes__to_stage="customer")
    ExchangeRate.objects.create(
        day=dt.date(2026, 3, 1), currency="EUR", quote_currency="USD", rate=Decimal("1.1")
    )
    for currency in ("EUR", "GBP"):  # a rate for euros, none for pounds
        OpportunityFactory(
            account=won.account,
            primary_contact=won,
            stage=PipelineStage.CLOSED_WON,
            amount=Decimal("500.00"),
            currency=currency,
            created_date=dt.date(2026, 2, 12),
            close_date=dt.date(2026, 3, 5),
        )
    with time_machine.travel(NOW, tick=False):
        january = run_backtest(check_document(document_data()), History(months=3)).months[0]
        client.force_login(marketing_head)
        page = client.get(f"/agreement/{do_create_draft(marketing_head, document_data()).number}/")

    assert (january.revenue, january.unconverted) == (Decimal("1550.00"), 1)
    html = page.content.decode()
    assert "<th>Revenue (USD)</th>" in html and "$1,550.00" in html
    assert "1 deal without a rate" in html and 'data-testid="backtest-unconverted"' in html
