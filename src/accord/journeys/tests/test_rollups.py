"""The dashboard's path models read the rollups attribution keeps: on random histories, their
credit is that of the same models run on every counted touch at the same moment, for each kind
of journey, label, period and segment; and after each kind of change (touches, lead moves,
deals won and edited, a segment changed, time passing) the rollups kept up give it again."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.attribution import PATH_MODELS
from accord.attribution.command import JourneyKind
from accord.crm import rollups as funnel
from accord.crm.models import (
    Account,
    LifecycleChange,
    Opportunity,
    Person,
    PipelineStage,
)
from accord.journeys import rollups
from accord.journeys.selectors import labelled_journey_touches
from accord.metrics.credit import AttributionQuery, _credit, _journeys
from accord.touchpoints.models import Campaign, Touchpoint

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
CHANNELS = ["direct", "email", "paid_search", "event", "social"]
SEGMENTS = [("EMEA", "Software", 50), ("EMEA", "Retail", 500), ("APAC", "Software", 5000)]
CAMPAIGNS = ["Spring", " Spring", "Webinar", None]

moment = st.builds(
    lambda seconds: NOW + dt.timedelta(seconds=seconds),
    st.integers(-200 * 86400, 20 * 86400),
)
a_deal = st.fixed_dictionaries(
    {
        "won": st.booleans(),
        "created": st.integers(-200, 0),
        "closed": st.integers(-150, 10),
        "amount": st.sampled_from([Decimal("1000"), Decimal("2500.50"), Decimal("333.33")]),
        "currency": st.sampled_from(["USD", "USD", "USD", "XYZ"]),
    }
)
a_person = st.fixed_dictionaries(
    {
        "account": st.sampled_from([0, 1, 2, None]),
        "created": moment,
        "lead": st.one_of(st.none(), moment),
        "touches": st.lists(
            st.tuples(st.sampled_from(CHANNELS), st.sampled_from(CAMPAIGNS), moment),
            max_size=6,
        ),
        "deals": st.lists(a_deal, max_size=2),
    }
)
a_change = st.one_of(
    st.tuples(st.just("touch"), st.integers(0, 99), st.sampled_from(CHANNELS), moment),
    st.tuples(st.just("lead"), st.integers(0, 99), moment),
    st.tuples(st.just("deal"), st.integers(0, 99), a_deal),
    st.tuples(st.just("won"), st.integers(0, 99)),
    st.tuples(st.just("region"), st.integers(0, 2), st.sampled_from(["EMEA", "APAC", "AMER"])),
    st.tuples(st.just("person"), a_person),
)


def _campaign(name):
    if name is None:
        return None
    return Campaign.objects.get_or_create(name=name, defaults={"channel": "email"})[0]


def _add_person(spec: dict, accounts: list) -> Person:
    person = Person.objects.create(
        email=f"p{Person.objects.count()}-{id(spec)}@x.example",
        account=None if spec["account"] is None else accounts[spec["account"]],
        created_at=spec["created"],
    )
    if spec["lead"] is not None:
        LifecycleChange.objects.create(person=person, to_stage="lead", changed_at=spec["lead"])
    for channel, campaign, at in spec["touches"]:
        _touch(person, channel, _campaign(campaign), at)
    for deal in spec["deals"]:
        _deal(person, deal)
    return person


def _touch(person, channel, campaign, at):
    """Moments are whole seconds: each touch a microsecond after the one written before, as
    touches at one moment (of one person, or people of one account) have no order."""
    at += dt.timedelta(microseconds=Touchpoint.objects.count() + 1)
    Touchpoint.objects.create(
        person=person, channel=channel, campaign=campaign, kind="ad_click", occurred_at=at
    )


def _deal(person: Person, deal: dict) -> None:
    Opportunity.objects.create(
        name="deal",
        account=person.account,
        primary_contact=person,
        amount=deal["amount"],
        currency=deal["currency"],
        stage=PipelineStage.CLOSED_WON if deal["won"] else PipelineStage.PROPOSAL,
        created_date=(NOW + dt.timedelta(days=deal["created"])).date(),
        close_date=(NOW + dt.timedelta(days=deal["closed"])).date(),
    )


def write_history(people: list[dict]) -> list[Account]:
    for model in (Opportunity, Touchpoint, LifecycleChange, Person, Account, Campaign):
        model.objects.all().delete()
    accounts = [
        Account.objects.create(name=f"A{i}", region=r, industry=ind, employee_count=n)
        for i, (r, ind, n) in enumerate(SEGMENTS)
    ]
    for spec in people:
        _add_person(spec, accounts)
    return accounts


def change(step: tuple, accounts: list[Account]) -> None:
    people = list(Person.objects.order_by("id"))
    what = step[0]
    if what == "person":
        _add_person(step[1], accounts)
        return
    if what == "region":
        account = accounts[step[1]]
        Account.objects.filter(pk=account.pk).update(region=step[2])
        funnel.refresh_accounts([account.pk])  # as the services do: tells attribution's
        return
    if not people:
        return
    if what == "touch":
        _touch(people[step[1] % len(people)], step[2], _campaign("Webinar"), step[3])
    elif what == "lead":
        person = people[step[1] % len(people)]
        LifecycleChange.objects.create(person=person, to_stage="lead", changed_at=step[2])
    elif what == "deal":
        _deal(people[step[1] % len(people)], step[2])
    elif what == "won":
        deals = list(Opportunity.objects.order_by("id"))
        if deals:
            deal = deals[step[1] % len(deals)]
            deal.stage = PipelineStage.CLOSED_WON
            deal.close_date = (NOW - dt.timedelta(days=3)).date()
            deal.save()


PERIODS = [
    (dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
    (dt.date(2026, 3, 1), dt.date(2026, 5, 20)),
]
FILTERS = [(None, None), ("EMEA", None), ("APAC", "Software")]


def assert_rollups_equal_raw(now: dt.datetime) -> None:
    for kind in JourneyKind:
        frame = labelled_journey_touches(conversion="won", journey=kind, now=now)
        for by in ("channel", "campaign"):
            for start, end in PERIODS:
                for region, industry in FILTERS:
                    query = AttributionQuery(
                        start=start, end=end, region=region, industry=industry, journey=kind
                    )
                    raw = _credit(_journeys(query, by, frame), list(PATH_MODELS))
                    segment = rollups.Segment(kind, by, start, end, region, industry)
                    kept = rollups.credit_of(segment, list(PATH_MODELS))
                    for model in PATH_MODELS:
                        where = (kind, by, start, region, industry, model)
                        assert sorted(kept[model]) == sorted(raw[model]), where
                        for name, revenue in raw[model].items():
                            assert kept[model][name] == pytest.approx(
                                revenue, rel=1e-9, abs=1e-6
                            ), (*where, name)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(a_person, max_size=8),
    changes=st.lists(a_change, max_size=5),
    later=st.integers(0, 60),
)
def test_the_rollups_answer_as_every_touch_does_before_and_after_changes(people, changes, later):
    accounts = write_history(people)
    funnel.rebuild()
    rollups.rebuild(NOW)
    assert_rollups_equal_raw(NOW)
    for step in changes:
        change(step, accounts)
    now = NOW + dt.timedelta(days=later, seconds=17)
    with transaction.atomic():
        rollups.keep_up(now)
    assert_rollups_equal_raw(now)


def test_a_new_touch_moves_the_credit_at_once_and_time_takes_it_out_of_the_window():
    """A journey not won: its touch counts while it is within the 90 days before now."""
    buyer = Person.objects.create(email="won@x.example", created_at=NOW - dt.timedelta(days=60))
    _touch(buyer, "email", None, NOW - dt.timedelta(days=50))
    _deal(buyer, {"won": True, "created": -40, "closed": -10, "amount": Decimal("900"),
                  "currency": "USD"})  # fmt: skip
    browser = Person.objects.create(email="open@x.example", created_at=NOW)
    _touch(browser, "event", None, NOW - dt.timedelta(days=80))
    rollups.rebuild(NOW)
    year = rollups.Segment("person", "channel", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert set(rollups.credit_of(year, ["linear"])["linear"]) == {"email", "event"}
    _touch(buyer, "social", None, NOW - dt.timedelta(days=20))
    with transaction.atomic():
        kept = rollups.keep_up(NOW)
    assert (kept.journeys, kept.changed, kept.everything) == (1, 1, False)
    assert rollups.credit_of(year, ["linear"])["linear"] == {
        "email": 450.0, "event": 0.0, "social": 450.0
    }  # fmt: skip
    with transaction.atomic():
        rollups.keep_up(NOW + dt.timedelta(days=11))  # the event's touch is 91 days old
    assert set(rollups.credit_of(year, ["linear"])["linear"]) == {"email", "social"}
