"""`accord demo` as a user runs it: the company it loads, the logins it prints, and re-runs."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from tests.factories import AccountFactory

from accord.columns import load
from accord.crm.models import Account, LifecycleChange, Opportunity, Person, PipelineStage
from accord.demo.models import DemoDataset
from accord.demo.personas import DEMO_PASSWORD
from accord.teams.models import Team, User
from accord.touchpoints.models import Campaign, Channel, Touchpoint

pytestmark = pytest.mark.django_db

FUNNEL_NEXT = {
    "": {"lead", "subscriber"},
    "subscriber": {"mql"},  # when scoring everybody, the agreement finds one qualifies
    "lead": {"mql"},
    "mql": {"sal", "disqualified"},
    "sal": {"sql", "disqualified"},
    "sql": {"opportunity"},
    "opportunity": {"customer"},
    "customer": {"evangelist"},
}


def demo(*args) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_small_demo_loads_a_company_and_prints_the_logins():
    out = demo("--size", "small")
    assert Account.objects.count() == 300
    assert Person.objects.count() == 2000
    assert Touchpoint.objects.count() > 15_000
    assert Opportunity.objects.filter(stage=PipelineStage.CLOSED_WON).exists()
    assert "http://127.0.0.1:8000/" in out
    assert f'"{DEMO_PASSWORD}"' in out
    for email in ["marketing.head", "sales.head", "marketer1", "rep1", "rep4", "admin"]:
        assert f"{email}@demo.accord" in out


@pytest.mark.parametrize(
    "email, team, role",
    [
        ("marketing.head@demo.accord", Team.Kind.MARKETING, User.Role.HEAD),
        ("sales.head@demo.accord", Team.Kind.SALES, User.Role.HEAD),
        ("marketer1@demo.accord", Team.Kind.MARKETING, User.Role.MARKETER),
        ("rep1@demo.accord", Team.Kind.SALES, User.Role.REP),
        ("rep4@demo.accord", Team.Kind.SALES, User.Role.REP),
        ("admin@demo.accord", None, User.Role.ADMIN),
    ],
)
def test_each_persona_logs_in_with_the_printed_password(client, email, team, role):
    demo("--size", "tiny")
    response = client.post(
        reverse("web:login"), {"username": email, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    user = response.context["user"]
    assert user.is_authenticated and user.email == email
    assert user.role == role
    assert user.team_kind == team


def test_the_teams_keep_their_own_hours_and_one_liaison_each():
    demo("--size", "tiny")
    marketing = Team.objects.get(kind=Team.Kind.MARKETING)
    sales = Team.objects.get(kind=Team.Kind.SALES)
    assert marketing.time_zone == "Europe/London" and sales.time_zone == "America/New_York"
    assert marketing.workday_start < marketing.workday_end
    liaisons = User.objects.filter(is_liaison=True)
    assert {u.role for u in liaisons} == {User.Role.REP, User.Role.MARKETER}
    assert User.objects.get(email="admin@demo.accord").is_superuser
    assert User.objects.filter(role=User.Role.REP, team=sales).count() == 4


def test_every_persons_history_walks_the_funnel_to_their_stage():
    demo("--size", "tiny")
    history: dict[int, list] = {}
    for change in LifecycleChange.objects.order_by("person_id", "changed_at", "id"):
        history.setdefault(change.person_id, []).append(change)
    for person in Person.objects.all():
        moves = history[person.id]
        assert moves[0].from_stage == "" and moves[0].changed_at == person.created_at
        for before, after in zip(moves, moves[1:], strict=False):
            assert after.from_stage == before.to_stage
            assert after.changed_at >= before.changed_at
        for move in moves:
            assert move.to_stage in FUNNEL_NEXT[move.from_stage]
        assert moves[-1].to_stage == person.lifecycle_stage


def test_people_become_mqls_after_the_touches_that_brought_them():
    demo("--size", "tiny")
    mql_at = dict(
        LifecycleChange.objects.filter(to_stage="mql").values_list("person_id", "changed_at")
    )
    assert mql_at
    last_touch = dict(
        Touchpoint.objects.filter(person_id__in=mql_at)
        .values_list("person_id")
        .annotate(last=Max("occurred_at"))
    )
    assert all(last_touch[pid] <= at for pid, at in mql_at.items())


def test_opportunities_are_owned_by_reps_and_won_deals_have_amounts_and_close_dates():
    demo("--size", "small")
    deals = Opportunity.objects.select_related("owner", "primary_contact")
    assert {deal.owner.role for deal in deals} == {User.Role.REP}
    won = [d for d in deals if d.stage == PipelineStage.CLOSED_WON]
    lost = [d for d in deals if d.stage == PipelineStage.CLOSED_LOST]
    assert won and lost
    for deal in won:
        assert deal.amount > 0 and deal.currency == "USD"
        assert deal.close_date > deal.created_date
        assert deal.primary_contact.lifecycle_stage in {"customer", "evangelist"}
        assert deal.lost_reason == ""
    assert all(deal.lost_reason for deal in lost)


def test_utm_tags_match_the_channel_as_ga4_reads_them():
    demo("--size", "tiny")
    pairs = set(Touchpoint.objects.values_list("channel", "utm_source", "utm_medium").distinct())
    assert (Channel.PAID_SEARCH, "google", "cpc") in pairs
    assert (Channel.PAID_SOCIAL, "linkedin", "paid_social") in pairs
    assert (Channel.EMAIL, "newsletter", "email") in pairs
    assert (Channel.DIRECT, "(direct)", "(none)") in pairs
    mediums = {channel: set() for channel, _, _ in pairs}
    for channel, _, medium in pairs:
        mediums[channel].add(medium)
    assert mediums[Channel.PAID_SEARCH] == {"cpc"}
    assert mediums[Channel.ORGANIC_SEARCH] == {"organic"}
    assert mediums[Channel.AFFILIATES] == {"affiliate"}
    paid = Touchpoint.objects.filter(channel=Channel.PAID_SEARCH).select_related("campaign")
    assert all(t.campaign.channel == Channel.PAID_SEARCH for t in paid[:200])
    assert all(t.utm_campaign == t.campaign.utm_campaign for t in paid[:200])
    assert not Touchpoint.objects.filter(channel=Channel.DIRECT, campaign__isnull=False).exists()
    assert Campaign.objects.filter(channel=Channel.EVENTS, cost__gt=0).exists()


def test_events_and_paid_search_convert_more_than_display():
    demo("--size", "small")
    strong = [Channel.EVENTS, Channel.PAID_SEARCH]
    people = Person.objects.annotate(
        strong=Count("touchpoints", filter=Q(touchpoints__channel__in=strong)),
        display=Count("touchpoints", filter=Q(touchpoints__channel=Channel.DISPLAY)),
        channels=Count("touchpoints__channel", distinct=True),
    )
    qualified = Q(lifecycle_stage__in=["sql", "opportunity", "customer", "evangelist"])

    def rate(group):
        return group.filter(qualified).count() / group.count()

    with_strong = people.filter(strong__gt=0)
    without_strong = people.filter(strong=0)
    display_heavy = people.filter(strong=0, display__gt=0)
    assert rate(with_strong) > 2 * rate(without_strong)
    assert rate(with_strong) > 2 * rate(display_heavy)


def test_running_it_again_keeps_the_company_as_it_is():
    demo("--size", "tiny")
    counts = (Person.objects.count(), Touchpoint.objects.count(), User.objects.count())
    first_person = Person.objects.aggregate(Min("id"))
    out = demo("--size", "tiny")
    assert "already loaded" in out
    assert (Person.objects.count(), Touchpoint.objects.count(), User.objects.count()) == counts
    assert Person.objects.aggregate(Min("id")) == first_person
    assert DemoDataset.objects.count() == 1


# Wiping runs outside a test transaction, as it does for a user (PostgreSQL will not TRUNCATE
# tables with checks still pending in the same transaction).
@pytest.mark.django_db(transaction=True)
def test_reset_rebuilds_the_demo_from_another_seed():
    demo("--size", "tiny", "--seed", "1")
    emails = set(Person.objects.values_list("email", flat=True))
    out = demo("--size", "tiny", "--seed", "2", "--reset")
    assert "Loaded the demo company (seed 2" in out
    assert set(Person.objects.values_list("email", flat=True)) != emails
    assert Person.objects.count() == 300
    assert DemoDataset.objects.get().seed == 2


def test_a_database_with_real_data_is_never_wiped_without_reset():
    AccountFactory(name="Our real customer")
    with pytest.raises(CommandError, match="--reset"):
        demo("--size", "tiny")
    assert Account.objects.filter(name="Our real customer").exists()
    assert not Person.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_load_is_rebuilt():
    DemoDataset.objects.create(seed=42, size="tiny")
    AccountFactory(name="Half-written demo account")
    demo("--size", "tiny")
    assert not Account.objects.filter(name="Half-written demo account").exists()
    assert DemoDataset.objects.get().completed_at is not None


def _indexes_and_keys(table: str) -> set:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        (tuple(c["columns"]), c["unique"], c["index"], bool(c["foreign_key"]))
        for c in constraints.values()
    }


def test_a_bulk_load_rebuilds_every_index_and_foreign_key(monkeypatch):
    tables = [Touchpoint._meta.db_table, Person._meta.db_table, Account._meta.db_table]
    before = {table: _indexes_and_keys(table) for table in tables}
    monkeypatch.setattr(load, "REBUILD_FROM_ROWS", 0)
    demo("--size", "tiny")
    assert {table: _indexes_and_keys(table) for table in tables} == before
    assert Touchpoint.objects.filter(person__account__isnull=False).count() > 1000
