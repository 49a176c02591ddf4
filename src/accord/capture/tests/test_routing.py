from django.utils import timezone
from tests.factories import AccountFactory

from accord.crm.models import Person
from accord.handoff.models import Handoff, RoutingMember, RoutingRule

LEAD = {"email": "ann@northwind.example", "first_name": "Ann", "utm_source": "google"}


def round_robin(sales_team, *reps):
    rule = RoutingRule.objects.create(
        position=10, kind=RoutingRule.Kind.ROUND_ROBIN, team=sales_team
    )
    for rep in reps:
        RoutingMember.objects.create(rule=rule, user=rep)
    return rule


def test_a_lead_that_becomes_an_mql_is_handed_to_a_rep_under_the_agreed_sla(
    capture, quick_mql_agreement, sales_team, rep
):
    AccountFactory(domain="northwind.example", industry="Software", employee_count=250)
    round_robin(sales_team, rep)

    answer = capture.routed("/leads", LEAD).json()

    handoff = Handoff.objects.get(person_id=answer["person_id"])
    assert (answer["lifecycle_stage"], answer["handoff_id"], answer["owner_id"]) == (
        "mql",
        handoff.pk,
        rep.pk,
    )
    assert Person.objects.get(pk=answer["person_id"]).owner == rep
    assert handoff.agreement_version == quick_mql_agreement.number
    assert handoff.first_touch_due_at > handoff.handed_off_at


def test_a_lead_below_the_threshold_stays_in_marketing(
    capture, quick_mql_agreement, sales_team, rep
):
    round_robin(sales_team, rep)

    answer = capture.routed("/leads", LEAD).json()

    assert (answer["status"], answer["lifecycle_stage"], answer["handoff_id"]) == (
        "scored",
        "lead",
        None,
    )
    assert not Handoff.objects.exists()


def test_an_mql_nobody_can_take_is_still_captured(capture, quick_mql_agreement, sales_team):
    AccountFactory(domain="northwind.example", industry="Software", employee_count=250)
    round_robin(sales_team)

    response = capture.routed("/leads", LEAD)

    assert response.status_code == 201
    answer = response.json()
    assert (answer["status"], answer["lifecycle_stage"], answer["owner_id"]) == (
        "scored",
        "mql",
        None,
    )
    assert Person.objects.get().owner is None


def test_people_a_batch_makes_mqls_are_handed_to_reps(
    capture, quick_mql_agreement, sales_team, rep
):
    AccountFactory(domain="northwind.example", industry="Software", employee_count=250)
    round_robin(sales_team, rep)
    touch = {"occurred_at": timezone.now().isoformat(), "type": "form_fill"}
    batch = [
        {"email": "ann@northwind.example", **touch},
        {"email": "bo@gmail.com", **touch},
    ]

    answer = capture.routed("/touchpoints/batch", {"touchpoints": batch}).json()

    handoff = Handoff.objects.get()
    assert answer["handoff_ids"] == [handoff.pk]
    assert (handoff.person.email, handoff.assigned_to) == ("ann@northwind.example", rep)
