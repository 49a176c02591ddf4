"""The funnel and velocity panels read rollups the writers keep: on random histories their
answers are those of every person and move read one by one, and after each kind of change the
rollups kept are the ones worked out again from the records."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import AccountFactory, PersonFactory

from accord.agreement.services import do_rescore_people
from accord.capture.batches import do_process_all_waiting
from accord.capture.services import do_capture_lead
from accord.crm import rollups
from accord.crm.models import (
    FUNNEL_ORDER,
    Account,
    FunnelCount,
    LifecycleChange,
    LifecycleStage,
    Person,
    StagesReached,
)
from accord.crm.services import (
    do_change_lifecycle_stage,
    do_create_person,
    do_update_account,
    do_update_person,
)
from accord.crm_sync.models import Connection
from accord.crm_sync.services import do_sync
from accord.crm_sync.tests.memory import MemoryCrm
from accord.handoff.services import do_accept
from accord.imports.mappings import do_set_mapping
from accord.imports.tests.helpers import FIXTURES, run_import, write_csv
from accord.metrics import queries as q
from accord.metrics.rollups import rebuild_rollups
from accord.metrics.tests.test_stage_queries import expected_funnel, expected_velocity

pytestmark = pytest.mark.django_db

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
STAGES = [*FUNNEL_ORDER, LifecycleStage.OTHER, LifecycleStage.DISQUALIFIED]
SEGMENTS = [("EMEA", "Software"), ("EMEA", "Retail"), ("APAC", "Software"), None]

moment = st.builds(
    lambda seconds, micro: EPOCH + dt.timedelta(seconds=seconds, microseconds=micro),
    st.integers(0, 120 * 86400),
    st.sampled_from([0, 1, 999_999, 500_000]),
)
a_person = st.fixed_dictionaries(
    {
        "created_at": moment,
        "segment": st.sampled_from(SEGMENTS),
        "stage": st.sampled_from(STAGES),
        "moves": st.lists(st.tuples(st.sampled_from(STAGES), moment), max_size=6),
    }
)
a_period = st.tuples(st.integers(0, 130), st.integers(0, 130)).map(
    lambda days: tuple(EPOCH.date() + dt.timedelta(days=d) for d in sorted(days))
)


def write_history(people: list[dict]) -> None:
    """Rows written straight to the tables, then the rollups kept person by person as a
    writer keeps them (some people refreshed twice, after every move)."""
    Person.objects.all().delete()
    Account.objects.all().delete()
    rollups.refresh_people(StagesReached.objects.values_list("person_id", flat=True))
    accounts = {s: AccountFactory(region=s[0], industry=s[1]) for s in SEGMENTS if s}
    for index, spec in enumerate(people):
        who = PersonFactory(
            created_at=spec["created_at"],
            lifecycle_stage=spec["stage"],
            account=accounts.get(spec["segment"]),
        )
        rollups.refresh_people([who.pk])
        previous = ""
        for stage, at in spec["moves"]:
            LifecycleChange.objects.create(
                person=who, from_stage=previous, to_stage=stage, changed_at=at
            )
            previous = stage
            if index % 2:
                rollups.refresh_people([who.pk])
        rollups.refresh_people([who.pk])


def kept() -> tuple[list, list]:
    """The rollups as they are, in an order of their own."""
    stages = sorted(StagesReached.objects.values_list(), key=lambda row: row[0])
    counts = FunnelCount.objects.filter(people__gt=0)  # a key left at zero waits for a rebuild
    counts = sorted(counts.values_list("day", "region", "industry", "furthest", "people"))
    return stages, counts


def assert_kept_as_rebuilt() -> None:
    before = kept()
    rebuild_rollups()
    assert kept() == before


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(a_person, max_size=12),
    period=a_period,
    segment=st.sampled_from(
        [{}, {"region": "EMEA"}, {"industry": "Software"}, {"region": "APAC", "industry": "Retail"}]
    ),
)
def test_funnel_and_velocity_from_rollups_are_those_of_every_person_and_move(
    people, period, segment
):
    write_history(people)
    filters = {"start": period[0], "end": period[1], **segment}

    assert q.run_funnel(q.FunnelQuery(**filters)) == expected_funnel(q.FunnelQuery(**filters))
    assert q.run_velocity(q.VelocityQuery(**filters)) == expected_velocity(
        q.VelocityQuery(**filters)
    )
    assert_kept_as_rebuilt()


# --- every kind of change keeps the rollups ------------------------------------------------


def test_people_made_moved_and_moved_between_accounts_by_hand():
    emea = AccountFactory(region="EMEA", industry="Software")
    ana = do_create_person({"email": "ana@acme.example", "lifecycle_stage": "lead"})
    do_change_lifecycle_stage(ana, LifecycleStage.MQL)
    do_update_person(ana, {"account": emea})
    do_update_account(emea, {"region": "APAC"})

    assert StagesReached.objects.get(person_id=ana.pk).region == "APAC"
    assert_kept_as_rebuilt()
    gone = ana.pk
    ana.delete()
    rollups.refresh_people([gone])
    assert kept() == ([], [])


def test_a_captured_lead_and_a_capture_that_fills_in_the_account(agreement_in_force):
    known = PersonFactory(email="bo@globex.example", account=None)
    rollups.refresh_people([known.pk])
    do_capture_lead({"email": "cy@initech.example", "company": "Initech"})
    do_capture_lead({"email": "bo@globex.example", "company_domain": "globex.example"})
    do_process_all_waiting()  # the worker keeps the captured people's rollups

    assert Person.objects.get(pk=known.pk).account_id is not None
    assert_kept_as_rebuilt()


def test_a_handoff_accepted_by_a_rep(agreement_in_force, sales_team, rep):
    from accord.handoff.models import RoutingMember, RoutingRule
    from accord.handoff.routing import do_route
    from accord.handoff.selectors import terms_in_force

    rule = RoutingRule.objects.create(position=10, team=sales_team)
    RoutingMember.objects.create(rule=rule, user=rep)
    lead = PersonFactory(lifecycle_stage=LifecycleStage.MQL)
    rollups.refresh_people([lead.pk])
    do_rescore_people([lead.pk])
    handoff = do_route(lead, terms_in_force())
    do_accept(handoff, rep)

    assert Person.objects.get(pk=lead.pk).lifecycle_stage == LifecycleStage.SAL
    assert StagesReached.objects.get(person_id=lead.pk).furthest == FUNNEL_ORDER.index("sal")
    assert_kept_as_rebuilt()


def test_imports_of_companies_contacts_and_contacts_moved_on(tmp_path):
    run_import(FIXTURES / "hubspot-contacts.csv")
    run_import(FIXTURES / "hubspot-companies.csv")  # the contacts' companies get an industry
    text = (FIXTURES / "hubspot-contacts.csv").read_text(encoding="utf-8-sig")
    run_import(write_csv(tmp_path, "moved.csv", text.replace('"lead"', '"opportunity"')))

    assert StagesReached.objects.count() == Person.objects.count() > 0
    assert_kept_as_rebuilt()


def test_a_crm_sync_that_makes_and_moves_people(db):
    hubspot = Connection.objects.create(kind=Connection.Kind.HUBSPOT)
    contacts = {
        "001": {"email": "fa@acme.example", "first_name": "Fa", "lifecycle_stage": "lead"},
        "002": {"email": "gu@acme.example", "first_name": "Gu", "lifecycle_stage": "lead"},
    }
    do_sync(hubspot, MemoryCrm(contacts))
    contacts["002"]["lifecycle_stage"] = "mql"
    do_sync(hubspot, MemoryCrm(contacts))

    assert StagesReached.objects.count() == 2
    assert_kept_as_rebuilt()


def test_an_import_with_dated_history_into_accounts_with_a_segment(rep, other_rep):
    AccountFactory(domain="acme.example", region="EMEA", industry="Software")
    for kind, value, accord in (
        ("lifecycle_stage", "Product Qualified Lead", "mql"),
        ("lifecycle_stage", "Demo Requested", "sql"),
        ("lead_status", "Nurture - Q3", "Bad timing"),
        ("source", "Partner Webinars", "events"),
        ("owner", "Olga Former", "unassigned"),
    ):
        do_set_mapping(kind, value, accord)
    run_import(FIXTURES / "hubspot-contacts-owners-history.csv")

    ben = Person.objects.get(email="ben.ode@acme.example")
    reached = StagesReached.objects.get(person_id=ben.pk)
    assert (reached.region, reached.industry) == ("EMEA", "Software")
    assert reached.s4 == dt.datetime(2024, 1, 15, 16, 45, tzinfo=dt.UTC)  # became an SQL
    assert reached.furthest == FUNNEL_ORDER.index("customer")
    assert_kept_as_rebuilt()
