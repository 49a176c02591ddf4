"""What lead capture costs the database: the request a fixed number of queries, however many
leads came before, and the worker's batch a fixed number however many leads it routes and alerts
(bench/README.md, "Lead capture load")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import AccountFactory

from accord.capture.batches import do_process_captures
from accord.capture.tests.test_routing import round_robin
from accord.crm.models import Person
from accord.handoff.models import Handoff

# The request, from the capture key to the answer. On PostgreSQL: the key (with its user), the
# channel rules, and one statement that records the lead with its answer under the key (the
# account and person found or made, a new person's first stage in the history and the audit
# trail, the touch, its form and campaign, the capture, the worker's wake-up), here inside the
# test's transaction as a savepoint and its release: 5 (3 as served). On SQLite: the key, the
# submission's claim, the rules, the account, the person with their first stage in the history
# and the audit trail, the touch, its form, its campaign, the capture and the claim's answer.
# Nothing is scored or routed in it, nor are the funnel's rollups written (the worker's batch
# does both), so a lead that will qualify costs the same as one that will not, and concurrent
# captures do not wait on one funnel row.
REQUEST = {"postgresql": 5, "sqlite": 13}


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


def request_queries(capture, body, key) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert capture.post("/leads", body, key=key).status_code == 201
    return len(queries)


def test_a_capture_costs_the_same_queries_however_many_came_before(
    capture, quick_mql_agreement, sales_team, rep, other_rep, companies, run_worker
):
    round_robin(sales_team, rep, other_rep)
    request_queries(capture, lead(0, 0), "first")  # the first of the process reads settings

    counts = []
    for n in range(1, 6):  # more people on the same accounts, more handoffs per rep
        counts.append(request_queries(capture, lead(n, n % 3), f"lead-{n}"))
        run_worker()

    assert counts == [REQUEST[connection.vendor]] * 5
    assert Person.objects.filter(account=companies[1]).count() == 2


def batch_queries(capture, leads, first) -> int:
    for n in range(first, first + leads):
        capture.post("/leads", lead(n, n % 2), key=f"lead-{n}")
    with CaptureQueriesContext(connection) as queries:
        assert do_process_captures().routed == leads
    return len(queries)


def test_a_batch_routes_its_leads_with_the_same_queries_however_many_it_routes(
    capture, quick_mql_agreement, sales_team, rep, other_rep, companies
):
    round_robin(sales_team, rep, other_rep)
    batch_queries(capture, 1, 0)  # the first of the process reads settings

    two = batch_queries(capture, 2, 10)
    twelve = batch_queries(capture, 12, 20)

    # the reps' alerts too: the outbox is written a statement per table for the whole batch
    assert twelve == two
    assert Handoff.objects.count() == 15
