"""What one lead capture costs the database: a fixed number of queries, however many leads,
people on the account or reps there are (bench/README.md, "Lead capture load")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import AccountFactory

from accord.capture.tests.test_routing import round_robin
from accord.crm.models import Person

# The whole request, from the capture key to the answer: the key and its submission claim, the
# account and person, the touchpoint and form, the score and stage, and for an MQL the routing, the
# handoff and its alert queued for the worker. No savepoints: claims and people are single INSERT
# ... ON CONFLICT DO NOTHING statements, and the read that answers the score also locks the person
# for routing. SQLite writes scores outside Django's cursor and PostgreSQL in one INSERT; on
# PostgreSQL the touch, its form and its campaign are one statement too, and so are the alert, its
# deliveries and the rep's notification (one more INSERT on SQLite); once the request commits, one
# more looks for a waiting alert job (and queues one when there is none). Every statement is
# counted: the few rows of lifecycle history and audit entries a capture writes go in one INSERT
# each (a COPY, which Django's cursor does not see, only for a hundred rows or more). The funnel's
# rollups take four statements for the new person and four for their move to MQL (read kept, read
# anew, write the person's row, add to the counts).
ROUTED = {"postgresql": 38, "sqlite": 41}
NOT_ROUTED = {"postgresql": 22, "sqlite": 22}


@pytest.fixture
def companies(db):
    return [
        AccountFactory(domain=f"company{n}.example", industry=industry, employee_count=250)
        for n, industry in enumerate(["Software", "Software", "Retail"])
    ]


def lead(n, company):
    return {
        "email": f"lead{n}@company{company}.example",
        "first_name": "Lee",
        "utm_source": "google",
        "utm_medium": "cpc",
        "form_name": "Book a demo",
    }


def queries_for(capture, body, key, on_commit):
    """The request's queries, and those it runs once it commits (waking the alert worker)."""
    with CaptureQueriesContext(connection) as queries, on_commit(execute=True):
        answer = capture.post("/leads", body, key=key).json()
    return len(queries), answer


def test_a_lead_routed_to_a_rep_costs_the_same_queries_however_many_came_before(
    capture,
    quick_mql_agreement,
    sales_team,
    rep,
    other_rep,
    companies,
    django_capture_on_commit_callbacks,
):
    round_robin(sales_team, rep, other_rep)
    # the first of the process reads settings; its alert job is still waiting for the others
    queries_for(capture, lead(0, 0), "first", django_capture_on_commit_callbacks)

    counts = []
    for n in range(1, 6):  # more people on the same accounts, more handoffs per rep
        body = lead(n, n % 2)
        count, answer = queries_for(capture, body, f"lead-{n}", django_capture_on_commit_callbacks)
        assert answer["handoff_id"] is not None
        counts.append(count)

    assert counts == [ROUTED[connection.vendor]] * 5
    assert Person.objects.filter(account=companies[1]).count() == 3


def test_a_lead_that_does_not_qualify_costs_no_routing_queries(
    capture, quick_mql_agreement, sales_team, rep, companies, django_capture_on_commit_callbacks
):
    round_robin(sales_team, rep)
    capture.post("/leads", lead(0, 0), key="first")

    count, answer = queries_for(capture, lead(1, 2), "retail", django_capture_on_commit_callbacks)

    assert (answer["lifecycle_stage"], answer["handoff_id"]) == ("lead", None)
    assert count == NOT_ROUTED[connection.vendor]
