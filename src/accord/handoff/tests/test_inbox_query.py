"""The inbox narrowed and sorted: urgency first by default, any column on request, filters by
status, grade, clock, campaign and rep, and a search by name, e-mail or company; the counts
follow the narrowing."""

import pytest
import time_machine
from tests.factories import CampaignFactory, TouchpointFactory

from accord.agreement.models import LeadScore
from accord.handoff.selectors import InboxQuery, inbox_counts, inbox_handoffs
from accord.handoff.services import do_accept, do_record_first_touch
from accord.handoff.tests.helpers import new_york

MONDAY_10 = new_york(2026, 11, 30, 10)
AT_12_30 = new_york(2026, 11, 30, 12, 30)
AT_13_30 = new_york(2026, 11, 30, 13, 30)


@pytest.fixture
def leads(lead, rep):
    """Four leads of the rep, handed off an hour apart from Monday 9:00 (four working hours to
    the first touch: Ann's is due at 13:00, Bo's at 14:00); Cleo's first touch is done (her
    decision is due on Wednesday), Dan is accepted (no clock running)."""
    made = {}
    for hour, (first, company, grade, total) in enumerate(
        [
            ("Ann", "Umbrella Corp", "A", 90),
            ("Bo", "Northwind", "B", 70),
            ("Cleo", "Initech", "C", 50),
            ("Dan", "Globex", "A", 95),
        ]
    ):
        handoff = lead(
            rep,
            at=new_york(2026, 11, 30, 9 + hour),
            first_name=first,
            last_name="Lead",
            email=f"{first.lower()}@{company.split()[0].lower()}.example",
        )
        handoff.person.account.name = company
        handoff.person.account.save(update_fields=["name"])
        LeadScore.objects.filter(person=handoff.person).update(fit_grade=grade, total=total)
        made[first] = handoff
    do_record_first_touch(made["Cleo"], rep, at=new_york(2026, 11, 30, 11, 30))
    do_accept(made["Dan"], rep, at=AT_12_30)
    return made


def names(user, now=AT_13_30, **query):
    with time_machine.travel(now, tick=False):
        handoffs = inbox_handoffs(user, InboxQuery(**query))
        return [h.person.first_name for h in handoffs]


def test_the_clock_closest_to_breach_comes_first(rep, leads):
    assert names(rep, now=AT_13_30) == ["Ann", "Bo", "Cleo", "Dan"]  # Ann overdue


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Ann", "Bo", "Cleo", "Dan"]),  # by last name, then first
        ("-score", ["Dan", "Ann", "Bo", "Cleo"]),
        ("company", ["Dan", "Cleo", "Bo", "Ann"]),  # Globex, Initech, Northwind, Umbrella
        ("-grade", ["Cleo", "Bo", "Ann", "Dan"]),
        ("status", ["Dan", "Ann", "Bo", "Cleo"]),  # accepted before assigned
    ],
)
def test_any_column_sorts_the_inbox(rep, leads, sort, expected):
    got = names(rep, sort=sort)
    if sort == "-grade":  # two A's: the id breaks the tie, the later first
        assert got[:2] == ["Cleo", "Bo"] and set(got[2:]) == {"Ann", "Dan"}
    else:
        assert got == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"text": "umbrella"}, ["Ann"]),  # the company
        ({"text": "BO@north"}, ["Bo"]),  # the e-mail, whatever the case
        ({"text": "cleo"}, ["Cleo"]),  # the name
        ({"status": "accepted"}, ["Dan"]),
        ({"status": "assigned"}, ["Ann", "Bo", "Cleo"]),
        ({"grade": "A"}, ["Ann", "Dan"]),
        ({"text": "lead", "grade": "B"}, ["Bo"]),
    ],
)
def test_the_inbox_is_found_and_filtered(rep, leads, query, expected):
    assert names(rep, **query) == expected


def test_the_clock_filter_finds_overdue_due_soon_and_running(rep, leads):
    assert names(rep, now=AT_12_30, clock="due_soon") == ["Ann", "Bo"]  # 0.5 h and 1.5 h left
    assert names(rep, now=AT_12_30, clock="overdue") == []
    assert names(rep, now=AT_12_30, clock="running") == ["Cleo"]
    assert names(rep, now=AT_13_30, clock="overdue") == ["Ann"]
    assert names(rep, now=AT_13_30, clock="due_soon") == ["Bo"]


def test_due_soon_counts_working_hours_not_the_weekend(lead, rep):
    late = lead(rep, at=new_york(2026, 12, 4, 14), first_name="Fay")  # a Friday

    assert late.first_touch_due_at == new_york(2026, 12, 7, 10)  # 3 h on Friday, 1 on Monday
    assert names(rep, now=new_york(2026, 12, 4, 14, 30), clock="due_soon") == []
    # Sixty-five hours before the deadline, but only 1.25 working hours.
    assert names(rep, now=new_york(2026, 12, 4, 16, 45), clock="due_soon") == ["Fay"]


def test_a_campaign_finds_the_leads_it_touched(rep, leads):
    webinar = CampaignFactory(name="Q4 webinar")
    TouchpointFactory(person=leads["Bo"].person, campaign=webinar)

    assert names(rep, campaign_id=webinar.pk) == ["Bo"]


def test_the_head_narrows_to_one_rep(lead, rep, other_rep, sales_head, leads):
    lead(other_rep, at=MONDAY_10, first_name="Eve")

    assert names(sales_head, rep_id=other_rep.pk) == ["Eve"]
    assert len(names(sales_head)) == 5
    assert "Eve" not in names(rep)


def test_the_counts_follow_the_narrowing(rep, leads):
    with time_machine.travel(AT_13_30, tick=False):
        every = inbox_counts(rep, inbox_handoffs(rep))
        a_grade = inbox_counts(rep, inbox_handoffs(rep, InboxQuery(grade="A")))

    assert (every.total, every.waiting, every.accepted) == (4, 3, 1)
    assert (every.overdue, every.due_soon) == (1, 1)  # Ann overdue, Bo due at 14:00
    assert (a_grade.total, a_grade.waiting, a_grade.overdue) == (2, 1, 1)
