"""Who sees which leads in the inbox."""

from accord.handoff.routing import do_route
from accord.handoff.services import do_convert
from accord.handoff.tests.helpers import inbox_for, mql


def test_a_rep_sees_only_their_open_leads_and_the_head_sees_the_team(
    make_rule, rep, other_rep, sales_head, marketer, terms
):
    make_rule(members=[rep, other_rep])
    mine, theirs, closed = (do_route(mql(), terms) for _ in range(3))
    do_convert(closed, rep)

    assert [item.handoff for item in inbox_for(rep)] == [mine]
    assert [item.handoff for item in inbox_for(other_rep)] == [theirs]
    assert {item.handoff for item in inbox_for(sales_head)} == {mine, theirs}
    assert inbox_for(marketer) == []


def test_the_inbox_reads_every_lead_in_two_queries(
    make_rule, rep, sales_head, terms, django_assert_num_queries
):
    make_rule(members=[rep])
    for _ in range(5):
        do_route(mql(), terms)

    with django_assert_num_queries(2):  # the open handoffs, the team's holidays
        items = inbox_for(sales_head)
        reasons = [
            (i.handoff.person.email, i.handoff.reason, i.handoff.assigned_to.email) for i in items
        ]

    assert len(reasons) == 5
