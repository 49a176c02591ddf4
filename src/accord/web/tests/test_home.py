"""The home page: the shared numbers both teams see, as `accord stats` counts them."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects
from tests.factories import (
    AccountFactory,
    CampaignFactory,
    OpportunityFactory,
    PersonFactory,
    TouchpointFactory,
)

from accord.crm.models import LifecycleStage, PipelineStage


@pytest.fixture
def shared_data(db):
    acme, globex = AccountFactory.create_batch(2)
    PersonFactory.create_batch(3, account=acme, lifecycle_stage=LifecycleStage.MQL)
    PersonFactory(account=globex, lifecycle_stage=LifecycleStage.CUSTOMER)
    for stage in (PipelineStage.DISCOVERY, PipelineStage.PROPOSAL, PipelineStage.CLOSED_WON):
        OpportunityFactory(account=acme, stage=stage)
    OpportunityFactory(account=globex, stage=PipelineStage.CLOSED_LOST)
    webinar = CampaignFactory(name="Spring webinar")
    TouchpointFactory.create_batch(4, campaign=webinar, person__account=globex)


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("web:home"))

    assertRedirects(response, reverse("web:login") + "?next=/")


def test_home_shows_the_shared_numbers(client, marketer, shared_data):
    client.force_login(marketer)

    response = client.get(reverse("web:home"))

    assertContains(response, 'data-testid="accounts">2<')
    assertContains(response, 'data-testid="people">8<')  # 3 MQL, 1 customer, 4 touched leads
    assertContains(response, 'data-testid="opportunities-open">2<')
    assertContains(response, 'data-testid="opportunities-won-lost">1 / 1<')
    assertContains(response, 'data-testid="campaigns">1<')
    assertContains(response, 'data-testid="touchpoints">4<')
    assertContains(response, "<tr><td>Marketing qualified lead</td><td>3</td></tr>", html=True)


def test_home_draws_the_funnel_as_a_chart(client, rep, shared_data):
    client.force_login(rep)

    response = client.get(reverse("web:home"))

    funnel = response.context["funnel_chart"]
    bars = {bar.label: bar for bar in funnel.bars}
    assert [bar.label for bar in funnel.bars] == LifecycleStage.labels
    assert bars["Lead"].value == 4
    assert bars["Lead"].width > bars["Marketing qualified lead"].width > 0
    assert bars["Subscriber"].width == 0
    assertContains(response, f'<svg viewBox="0 0 {funnel.width} {funnel.height}"', count=1)
    assertContains(response, 'aria-label="People by lifecycle stage"')


def test_home_reads_the_numbers_in_a_fixed_number_of_queries(
    client, sales_head, shared_data, django_assert_max_num_queries
):
    TouchpointFactory.create_batch(20)
    client.force_login(sales_head)

    # the shared numbers; what needs the sales head today: the inbox's clocks, the breaches,
    # the pool, the drafts and plans to sign, the goal; the bell's unread count
    with django_assert_max_num_queries(17):
        response = client.get(reverse("web:home"))

    assert response.status_code == 200


def test_large_numbers_are_grouped_by_thousands(client, rep):
    TouchpointFactory.create_batch(1001, person=PersonFactory(), campaign=CampaignFactory())
    client.force_login(rep)

    response = client.get(reverse("web:home"))

    assertContains(response, 'data-testid="touchpoints">1,001<')


def test_home_shows_where_the_relationship_stands(
    client, rep, sales_head, sales_team, marketing_team
):
    from accord.alignment.services import do_answer, do_close_round, do_open_round
    from accord.alignment.statements import statements_of
    from accord.teams.models import User

    client.force_login(rep)
    assertContains(client.get(reverse("web:home")), "No round has closed yet")

    do_open_round(sales_head)
    for n in range(3):
        for team, role in ((sales_team, User.Role.REP), (marketing_team, User.Role.MARKETER)):
            colleague = User.objects.create_user(
                f"{team.kind}{n}@example.com", team=team, role=role
            )
            do_answer(colleague, {s.key: 3 for s in statements_of()})  # 60 of 100
    assertContains(client.get(reverse("web:home")), "No round has closed yet")
    do_close_round(sales_head)

    response = client.get(reverse("web:home"))

    assertContains(response, ">Aligned</a>")
    assertContains(response, "60.0 of 100 in round 1")
