"""An admin orders the routing rules and reads the handoffs, which change only in the inbox."""

from accord.handoff.models import RoutingRule
from accord.handoff.routing import do_route
from accord.handoff.tests.helpers import mql


def test_an_admin_sees_rules_in_order_and_handoffs_with_their_reasons(
    client, admin_user, make_rule, rep, terms
):
    make_rule(RoutingRule.Kind.TERRITORY, members=[rep], regions="EMEA", industries="Software")
    handoff = do_route(mql(account__region="EMEA"), terms)
    client.force_login(admin_user)

    rules = client.get("/admin/handoff/routingrule/")
    handoffs = client.get("/admin/handoff/handoff/")
    one = client.get(f"/admin/handoff/handoff/{handoff.pk}/change/")

    assert rules.status_code == handoffs.status_code == one.status_code == 200
    assert "Territory EMEA · Software" in rules.text
    assert "Territory EMEA · Software" in handoffs.text
    assert 'name="_save"' not in one.text  # read-only: actions go through the inbox
    assert client.get("/admin/handoff/handoff/add/").status_code == 403


def test_an_admin_adds_a_round_robin_rule_with_weighted_members(
    client, admin_user, sales_team, rep, other_rep
):
    client.force_login(admin_user)

    response = client.post(
        "/admin/handoff/routingrule/add/",
        {
            "position": 30,
            "name": "Everyone",
            "kind": "round_robin",
            "team": sales_team.pk,
            "is_active": "on",
            "members-TOTAL_FORMS": 2,
            "members-INITIAL_FORMS": 0,
            "members-0-user": rep.pk,
            "members-0-weight": 2,
            "members-1-user": other_rep.pk,
            "members-1-weight": 1,
            "members-1-capacity": 10,
        },
    )

    assert response.status_code == 302
    rule = RoutingRule.objects.get(name="Everyone")
    assert sorted(rule.members.values_list("user__email", "weight", "capacity")) == [
        ("rep1@demo.accord", 2, None),
        ("rep2@demo.accord", 1, 10),
    ]
