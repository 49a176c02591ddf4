"""Many requests capturing one lead at the same moment, on PostgreSQL's real concurrency."""

import threading

import psycopg
import pytest
from django.db import connection
from django.test import Client
from tests.factories import AccountFactory

from accord.agreement.models import LeadScore
from accord.capture.batches import do_process_all_waiting, do_process_captures
from accord.capture.models import Capture
from accord.capture.services import WAKE_CHANNEL
from accord.capture.tests.test_routing import round_robin
from accord.crm.models import Account, Person
from accord.handoff.models import Handoff
from accord.touchpoints.models import Touchpoint

THREADS = 16

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]


def capture_at_once(secret, bodies, key=None):
    """Post every body from its own thread and connection, all released together."""
    start = threading.Barrier(len(bodies))
    answers = [None] * len(bodies)

    def post(n):
        headers = {"Authorization": f"Bearer {secret}"}
        if key:
            headers["Idempotency-Key"] = key
        try:
            start.wait()
            response = Client().post(
                "/api/v1/leads", bodies[n], content_type="application/json", headers=headers
            )
            answers[n] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def spellings(email):
    """The same address in THREADS different letter cases."""
    local, domain = email.split("@")
    return [
        "".join(c.upper() if (n >> i) & 1 else c for i, c in enumerate(local)) + "@" + domain
        for n in range(THREADS)
    ]  # distinct as long as the local part has at least log2(THREADS) letters


def test_one_lead_captured_by_many_requests_in_any_case_is_one_person(
    capture_key, agreement_in_force
):
    bodies = [
        {"email": email, "company": "Northwind"} for email in spellings("annlee@northwind.example")
    ]

    answers = capture_at_once(capture_key, bodies)

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (THREADS - 1) + [201], answers
    assert Person.objects.count() == 1
    person = Person.objects.get()
    assert {answer["person_id"] for _, answer in answers} == {person.pk}
    assert Touchpoint.objects.filter(person=person).count() == THREADS
    assert not LeadScore.objects.filter(person=person).exists()  # the worker scores

    do_process_all_waiting()

    assert LeadScore.objects.filter(person=person).exists()
    assert Capture.objects.filter(person=person, status="scored").count() == THREADS


def test_workers_taking_batches_at_once_route_each_capture_once(
    capture_key, quick_mql_agreement, sales_team, rep, other_rep
):
    AccountFactory(domain="northwind.example", industry="Software", employee_count=250)
    round_robin(sales_team, rep, other_rep)
    bodies = [{"email": f"lead{n % 6}@northwind.example", "page": str(n)} for n in range(THREADS)]
    capture_at_once(capture_key, bodies)
    processed = []

    def work():
        try:
            while batch := do_process_captures(limit=3).captures:
                processed.append(batch)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sum(processed) == THREADS
    assert Capture.objects.filter(status="routed").count() == THREADS
    assert Handoff.objects.count() == 6
    assert Handoff.objects.values("person").distinct().count() == 6


def test_one_lead_sent_many_times_with_one_key_is_captured_once(capture_key, agreement_in_force):
    body = {"email": "Bo@Contoso.example", "utm_source": "google", "utm_medium": "cpc"}

    answers = capture_at_once(capture_key, [body] * THREADS, key="form-42")

    assert {status for status, _ in answers} == {201}, answers
    assert len({answer["touchpoint_id"] for _, answer in answers}) == 1
    assert (Person.objects.count(), Touchpoint.objects.count()) == (1, 1)


def test_leads_of_a_new_company_captured_at_once_make_one_account(capture_key):
    bodies = [{"email": f"lead{n}@newco.example", "company": "NewCo"} for n in range(THREADS)]

    answers = capture_at_once(capture_key, bodies)

    assert {status for status, _ in answers} == {201}, answers
    account = Account.objects.get()
    assert account.domain == "newco.example"
    assert {answer["account_id"] for _, answer in answers} == {account.pk}
    assert Person.objects.filter(account=account).count() == THREADS


def test_one_key_sent_at_once_with_different_bodies_records_one_of_them(capture_key):
    bodies = [{"email": f"lead{n}@northwind.example"} for n in range(THREADS)]

    answers = capture_at_once(capture_key, bodies, key="form-7")

    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * (THREADS - 1), answers
    assert (Person.objects.count(), Touchpoint.objects.count(), Capture.objects.count()) == (
        1,
        1,
        1,
    )


def test_the_worker_is_woken_when_a_capture_is_kept_and_not_by_a_retry(capture_key):
    headers = {"Authorization": f"Bearer {capture_key}", "Idempotency-Key": "form-9"}
    body = {"email": "ann@northwind.example"}
    settings = connection.settings_dict
    dsn = f"host={settings['HOST']} port={settings['PORT']} user={settings['USER']}"
    with psycopg.connect(f"{dsn} dbname={settings['NAME']}", autocommit=True) as listener:
        listener.execute(f"LISTEN {WAKE_CHANNEL}")

        def post():
            response = Client().post(
                "/api/v1/leads", body, content_type="application/json", headers=headers
            )
            return response.status_code, list(listener.notifies(timeout=0.5, stop_after=1))

        first, retry = post(), post()

    assert first[0] == 201 and len(first[1]) == 1
    assert retry[0] == 201 and retry[1] == []
