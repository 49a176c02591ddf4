"""The shared funnel and the agreed metrics on hand-built histories, to the exact number."""

import datetime as dt
from decimal import Decimal

import pytest
from tests.factories import (
    AccountFactory,
    CampaignFactory,
    OpportunityFactory,
    PersonFactory,
    TouchpointFactory,
)

from accord.agreement.defaults import default_document
from accord.agreement.models import AgreementVersion
from accord.crm.models import LifecycleChange, PipelineStage
from accord.crm.rollups import refresh_people
from accord.handoff.models import Handoff, RejectReason
from accord.handoff.rollups import refresh_days
from accord.metrics import credit
from accord.metrics import queries as q
from accord.touchpoints.models import Campaign, Channel, Touchpoint

pytestmark = pytest.mark.django_db

JAN = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
FEB = dt.datetime(2026, 2, 3, 9, tzinfo=dt.UTC)
PERIOD = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)}


def person(created_at, stages, *, region="EMEA", days=None, **extra):
    """A person created at `created_at` who moved through `stages`, `days[i]` days after it."""
    days = days or list(range(len(stages)))
    who = PersonFactory(
        created_at=created_at,
        lifecycle_stage=stages[-1] if stages else "lead",
        account=AccountFactory(region=region),
        **extra,
    )
    previous = ""
    for stage, day in zip(stages, days, strict=True):
        LifecycleChange.objects.create(
            person=who,
            from_stage=previous,
            to_stage=stage,
            changed_at=created_at + dt.timedelta(days=day),
        )
        previous = stage
    refresh_people([who.pk])  # the moves are written around the services
    return who


def counts(stages):
    return {s.stage: s.people for s in stages}


def rates(stages):
    return {s.stage: s.rate_from_previous for s in stages}


def test_waterfall_counts_everyone_who_reached_a_stage_by_monthly_cohort():
    person(JAN, ["lead", "mql", "sal", "sql"])
    person(JAN, ["lead", "mql"])
    person(JAN, [])
    person(FEB, ["lead", "mql", "disqualified"], region="APAC")
    person(dt.datetime(2025, 12, 30, tzinfo=dt.UTC), ["lead", "mql"])  # before the period

    result = q.run_funnel(q.FunnelQuery(**PERIOD))

    assert counts(result.total) == {
        "subscriber": 4, "lead": 4, "mql": 3, "sal": 1, "sql": 1,
        "opportunity": 0, "customer": 0, "evangelist": 0,
    }  # fmt: skip
    assert rates(result.total) == {
        "subscriber": None, "lead": 1.0, "mql": 0.75, "sal": 0.3333, "sql": 1.0,
        "opportunity": 0.0, "customer": None, "evangelist": None,
    }  # fmt: skip
    assert [c.month for c in result.cohorts] == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert counts(result.cohorts[0].stages)["mql"] == 2
    assert counts(result.cohorts[1].stages)["mql"] == 1
    assert counts(result.cohorts[1].stages)["sal"] == 0


def test_a_segment_keeps_only_people_of_accounts_in_it():
    person(JAN, ["lead", "mql"])
    person(FEB, ["lead", "mql", "sal"], region="APAC")

    result = q.run_funnel(q.FunnelQuery(**PERIOD, region="APAC"))

    assert counts(result.total)["subscriber"] == 1
    assert counts(result.total)["sal"] == 1


def test_velocity_is_the_median_and_80th_percentile_of_days_per_stage():
    person(JAN, ["lead", "mql", "sal"], days=[0, 2, 3])
    person(JAN, ["lead", "mql"], days=[0, 4])
    person(JAN, ["lead", "mql"], days=[0, 10])

    velocity = {(v.from_stage, v.to_stage): v for v in q.run_velocity(q.VelocityQuery(**PERIOD))}

    lead_to_mql = velocity[("lead", "mql")]
    assert (lead_to_mql.people, lead_to_mql.median_days, lead_to_mql.p80_days) == (3, 4.0, 7.6)
    assert velocity[("mql", "sal")].median_days == 1.0
    assert velocity[("sal", "sql")].people == 0
    assert velocity[("sal", "sql")].median_days is None


def test_leakage_names_the_stage_leads_died_at_and_why_sales_rejected(sales_team, rep):
    person(JAN, ["lead", "mql", "disqualified"])
    person(JAN, ["lead", "mql", "sal", "disqualified"])
    person(JAN, ["lead", "mql", "sal", "disqualified"])
    person(JAN, ["lead", "mql", "sal", "lead"])  # recycled back to nurture
    person(JAN, ["lead", "mql", "disqualified", "mql"])  # requalified: not lost
    for reason in [RejectReason.NO_BUDGET, RejectReason.NO_BUDGET, RejectReason.WRONG_FIT]:
        handoff(sales_team, rep, JAN, status=Handoff.Status.REJECTED, reject_reason=reason)

    result = q.run_leakage(q.LeakageQuery(**PERIOD))

    assert [(leak.from_stage, leak.to_stage, leak.people) for leak in result.leaks] == [
        ("mql", "disqualified", 1),
        ("sal", "disqualified", 2),
        ("sal", "lead", 1),
    ]
    assert [(r.label, r.handoffs) for r in result.rejections] == [
        ("No budget", 2),
        ("Wrong fit", 1),
    ]


def handoff(team, rep, at, **fields):
    fields.setdefault(
        "decided_at", at + dt.timedelta(hours=1) if "reject_reason" in fields else None
    )
    made = Handoff.objects.create(
        person=PersonFactory(),
        assigned_to=rep,
        team=team,
        reason="test",
        handed_off_at=at,
        first_touch_due_at=at + dt.timedelta(hours=4),
        decision_due_at=at + dt.timedelta(days=2),
        **fields,
    )
    refresh_days([at])  # written around the services
    return made


def test_sla_compliance_shows_both_teams_month_by_month(sales_team, rep):
    on_time = {"first_touched_at": JAN + dt.timedelta(hours=1)}
    handoff(sales_team, rep, JAN, **on_time, decided_at=JAN + dt.timedelta(days=1))
    handoff(sales_team, rep, JAN, first_touched_at=JAN + dt.timedelta(hours=5))
    handoff(sales_team, rep, JAN, status=Handoff.Status.REASSIGNED)
    handoff(sales_team, rep, FEB, **{"first_touched_at": FEB + dt.timedelta(hours=1)})
    person(JAN, ["lead", "mql"], days=[0, 1])
    person(JAN, ["lead", "mql"], days=[0, 2])
    person(FEB, ["lead", "mql"], days=[0, 1])

    result = q.run_sla_compliance(q.SlaComplianceQuery(**PERIOD, mql_commitment=2))

    jan, feb, mar = result.sales
    assert (jan.handoffs, jan.first_touched_in_time, jan.decided_in_time) == (2, 1, 1)
    assert (jan.first_touch_rate, jan.decision_rate) == (0.5, 0.5)
    assert (feb.handoffs, feb.first_touch_rate, feb.decision_rate) == (1, 1.0, 0.0)
    assert (mar.handoffs, mar.first_touch_rate) == (0, None)
    assert result.commitment_source == "parameter"
    assert [(m.delivered, m.commitment, m.met) for m in result.marketing] == [
        (2, 2, True),
        (1, 2, False),
        (0, 2, False),
    ]


def test_pipeline_and_won_revenue_by_original_source_and_first_touch_channel():
    webinar = person(JAN, ["lead"], original_source="webinar")
    search = person(JAN, ["lead"], original_source="organic search")
    OpportunityFactory(primary_contact=webinar, amount=Decimal("1000.50"))
    won = {"stage": PipelineStage.CLOSED_WON, "close_date": dt.date(2026, 2, 1)}
    OpportunityFactory(primary_contact=webinar, amount=Decimal("2000"), **won)
    OpportunityFactory(primary_contact=search, amount=Decimal("3000"), **won)
    OpportunityFactory(
        primary_contact=search,
        amount=Decimal("9000"),
        **(won | {"close_date": dt.date(2025, 6, 1)}),
    )
    TouchpointFactory(person=webinar, channel=Channel.EVENTS, occurred_at=JAN)
    TouchpointFactory(person=webinar, channel=Channel.EMAIL, occurred_at=FEB)

    by_source = q.run_pipeline_by_source(q.PipelineBySourceQuery(**PERIOD))
    by_channel = q.run_pipeline_by_source(
        q.PipelineBySourceQuery(**PERIOD, by="first_touch_channel")
    )

    assert (by_source.currency, by_source.left_out.deals) == ("USD", 0)
    assert [(r.source, r.open_pipeline, r.won_revenue, r.won_deals) for r in by_source.sources] == [
        ("organic search", Decimal("0.00"), Decimal("3000.00"), 1),
        ("webinar", Decimal("1000.50"), Decimal("2000.00"), 1),
    ]
    assert [(r.source, r.won_revenue) for r in by_channel.sources] == [
        ("(unknown)", Decimal("3000.00")),
        ("events", Decimal("2000.00")),
    ]


@pytest.fixture
def two_campaign_journey():
    search = CampaignFactory(name="Search", cost=Decimal("1000"))
    webinar = CampaignFactory(name="Webinar", cost=Decimal("4000"))
    CampaignFactory(name="Unused", cost=Decimal("0"))
    buyer = person(JAN, ["lead"])
    TouchpointFactory(person=buyer, campaign=search, occurred_at=JAN)
    TouchpointFactory(person=buyer, campaign=webinar, occurred_at=JAN + dt.timedelta(days=5))
    OpportunityFactory(
        primary_contact=buyer,
        amount=Decimal("10000"),
        stage=PipelineStage.CLOSED_WON,
        created_date=dt.date(2026, 1, 10),
        close_date=dt.date(2026, 2, 1),
    )


@pytest.mark.parametrize(
    "model, search, webinar",
    [("first_touch", "10000.00", "0.00"), ("last_touch", "0.00", "10000.00"),
     ("linear", "5000.00", "5000.00")],
)  # fmt: skip
def test_campaign_roi_is_attributed_won_revenue_over_cost(
    two_campaign_journey, model, search, webinar
):
    roi = {
        r.campaign: r
        for r in credit.run_campaign_roi(credit.CampaignRoiQuery(**PERIOD, model=model))
    }

    assert roi["Search"].attributed_revenue == Decimal(search)
    assert roi["Search"].roi == float(Decimal(search) / 1000)
    assert roi["Webinar"].attributed_revenue == Decimal(webinar)
    assert roi["Webinar"].roi == float(Decimal(webinar) / 4000)
    assert (roi["Unused"].attributed_revenue, roi["Unused"].roi) == (Decimal("0.00"), None)


def test_revenue_won_outside_the_period_is_not_attributed(two_campaign_journey):
    march = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}
    roi = credit.run_campaign_roi(credit.CampaignRoiQuery(**march, model="linear"))
    assert {r.attributed_revenue for r in roi} == {Decimal("0.00")}


def test_an_unknown_model_is_refused():
    with pytest.raises(ValueError, match="unknown model 'magic'"):
        credit.CampaignRoiQuery(**PERIOD, model="magic")


def test_models_compared_side_by_side_each_credit_the_whole_revenue(two_campaign_journey):
    result = credit.run_attribution_comparison(
        credit.AttributionComparisonQuery(**PERIOD, by="campaign")
    )

    assert result.models == ["first_touch", "last_touch", "linear", "markov", "shapley"]
    revenue = {row.name: row.revenue for row in result.rows}
    assert revenue["Search"]["first_touch"] == Decimal("10000.00")
    assert revenue["Webinar"]["last_touch"] == Decimal("10000.00")
    for model in result.models:
        assert sum(r[model] for r in revenue.values()) == Decimal("10000.00")


def test_shapley_credits_a_campaign_once_however_often_the_buyer_met_it(two_campaign_journey):
    buyer = Touchpoint.objects.first().person
    search = Campaign.objects.get(name="Search")
    TouchpointFactory(person=buyer, campaign=search, occurred_at=JAN + dt.timedelta(days=1))

    result = credit.run_attribution_comparison(
        credit.AttributionComparisonQuery(**PERIOD, by="campaign")
    )

    revenue = {row.name: row.revenue for row in result.rows}
    assert revenue["Search"]["linear"] == Decimal("6666.67")  # two of the three touches
    assert revenue["Search"]["shapley"] == Decimal("5000.00")  # one of the two campaigns
    assert revenue["Webinar"]["shapley"] == Decimal("5000.00")


def test_won_revenue_counts_deals_won_in_the_period():
    won = {"stage": PipelineStage.CLOSED_WON, "close_date": dt.date(2026, 3, 1)}
    OpportunityFactory(amount=Decimal("30000"), **won)
    OpportunityFactory(amount=Decimal("15000.25"), **won)
    OpportunityFactory(amount=Decimal("99999"), stage=PipelineStage.NEGOTIATION)

    result = q.run_won_revenue(q.WonRevenueQuery(**PERIOD))

    assert (result.won_revenue, result.won_deals) == (Decimal("45000.25"), 2)


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        q.FunnelQuery(start=dt.date(2026, 2, 1), end=dt.date(2026, 1, 1))


def test_a_period_over_ten_years_is_refused_rather_than_worked_month_by_month(api_as, admin_user):
    with pytest.raises(ValueError, match="at most ten years"):
        q.SlaComplianceQuery(start=dt.date(1, 1, 1), end=dt.date(9999, 12, 31))
    response = api_as(admin_user).get("/metrics/sla", start="1900-01-01", end="2026-01-01")
    assert response.status_code == 422
    assert "at most ten years" in response.content.decode()


def test_a_deal_won_after_a_first_reading_shows_in_the_next(two_campaign_journey):
    query = credit.CampaignRoiQuery(**PERIOD, model="linear")
    before = {r.campaign: r.attributed_revenue for r in credit.run_campaign_roi(query)}
    buyer = person(JAN, ["lead"])
    TouchpointFactory(person=buyer, campaign=Campaign.objects.get(name="Search"), occurred_at=JAN)
    deal = OpportunityFactory(primary_contact=buyer, amount=Decimal("2000"))
    unchanged = {r.campaign: r.attributed_revenue for r in credit.run_campaign_roi(query)}
    deal.stage, deal.close_date = PipelineStage.CLOSED_WON, dt.date(2026, 3, 1)
    deal.save(update_fields=["stage", "close_date"])

    after = {r.campaign: r.attributed_revenue for r in credit.run_campaign_roi(query)}

    assert before["Search"] == unchanged["Search"] == Decimal("5000.00")
    assert after["Search"] == Decimal("7000.00")


def test_marketing_is_held_to_the_commitment_of_the_agreement_in_force(marketing_head):
    document = default_document()
    sla = document.sla.model_copy(update={"mqls_per_month": 1})
    document = document.model_copy(update={"sla": sla})
    version = AgreementVersion(
        number=1, status=AgreementVersion.Status.IN_FORCE, created_by=marketing_head
    )
    version.document = document
    version.save()
    person(JAN, ["lead", "mql"], days=[0, 1])

    result = q.run_sla_compliance(q.SlaComplianceQuery(**PERIOD, mql_commitment=50))

    assert result.commitment_source == "agreement"
    assert [(m.delivered, m.commitment, m.met) for m in result.marketing] == [
        (1, 1, True),
        (0, 1, False),
        (0, 1, False),
    ]


def test_without_an_agreement_or_a_commitment_no_month_is_called_met():
    person(JAN, ["lead", "mql"], days=[0, 1])

    result = q.run_sla_compliance(q.SlaComplianceQuery(**PERIOD))

    assert result.commitment_source == "none"
    assert (result.marketing[0].delivered, result.marketing[0].met) == (1, None)
