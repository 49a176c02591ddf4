"""The demo company's handoffs: every rep finds leads in their inbox, some overdue, and a few
leads are already accepted or rejected.

Deterministic from the seed: the same leads, reasons and clock offsets each time (the clocks
run from the moment the demo is loaded). Demo rejections use the reasons the agreement
disqualifies on, as the demo's funnel has no way back from MQL to lead.
"""

import datetime as dt
import random
import statistics

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accord.agreement.defaults import default_document
from accord.agreement.models import AgreementVersion
from accord.agreement.rescoring import rescore
from accord.agreement.selectors import get_agreement_in_force
from accord.agreement.services import do_create_draft, do_sign
from accord.crm.models import LifecycleChange, LifecycleStage, Person
from accord.handoff.models import Handoff, RejectReason, RoutingMember, RoutingRule
from accord.handoff.routing import do_route
from accord.handoff.selectors import terms_in_force
from accord.handoff.services import do_accept, do_record_first_touch, do_reject
from accord.handoff.terms import SlaTerms
from accord.scoring import AgreementDocument
from accord.teams.models import Team, User

OPEN_PER_REP = 3
DECIDED_PER_REP = 4
# Hours before the demo is loaded at which open leads were handed over, in turn: some fresh,
# some that have missed their first touch.
OPEN_AGES_HOURS = (1, 3, 20, 60)
SCORED_PER_LEAD_WANTED = 20  # leads scored for each MQL wanted: few leads cross the line


def seed_demo(today: dt.date, rng_seed: int) -> dict[str, int]:
    """Route MQLs of the demo to the reps under the agreement in force (the default one,
    signed by both heads, when none is): some accepted or rejected at once, the others open,
    handed over hours ago, so every rep's inbox holds some. Returns the handoffs made."""
    rng = random.Random(rng_seed)
    now = dt.datetime.combine(today, timezone.now().timetz())
    version = _agree()
    _rules()
    terms = terms_in_force()
    reps = User.objects.filter(team__kind=Team.Kind.SALES, role=User.Role.REP, is_active=True)
    leads = _leads(version, rng, reps.count() * (OPEN_PER_REP + DECIDED_PER_REP))
    open_count = min(len(leads), reps.count() * OPEN_PER_REP)
    decided, waiting = leads[open_count:], leads[:open_count]
    for person in decided:
        _decide(do_route(person, terms), terms, rng)
    for index, person in enumerate(waiting):
        at = now - dt.timedelta(hours=OPEN_AGES_HOURS[index % len(OPEN_AGES_HOURS)])
        do_route(person, terms, at=at)
    return {"handoff.handoff": len(leads)}


def _agree() -> AgreementVersion:
    in_force = get_agreement_in_force()
    if in_force is not None:
        return in_force
    heads = User.objects.filter(role=User.Role.HEAD).select_related("team")
    by_team = {head.team.kind: head for head in heads}
    version = do_create_draft(by_team[Team.Kind.MARKETING], _demo_document())
    do_sign(version, by_team[Team.Kind.MARKETING])
    return do_sign(version, by_team[Team.Kind.SALES])


def _demo_document() -> AgreementDocument:
    """The default agreement, with Marketing committing to about the MQLs it has delivered a
    month over the last year (the median month, to the nearest 5), so the demo's SLA is met in
    some months and missed in others rather than missed in all."""
    since = timezone.now() - dt.timedelta(days=365)
    months = (
        LifecycleChange.objects.filter(to_stage=LifecycleStage.MQL, changed_at__gte=since)
        .annotate(month=TruncMonth("changed_at"))
        .values("month")
        .annotate(mqls=Count("id"))
        .values_list("mqls", flat=True)
    )
    document = default_document()
    if not months:
        return document
    commitment = max(5, 5 * round(statistics.median(months) / 5))
    sla = document.sla.model_copy(update={"mqls_per_month": commitment})
    return document.model_copy(update={"sla": sla})


def _rules() -> None:
    """An even round robin over the reps, so each inbox holds leads (most of the demo's
    qualifying leads sit on EMEA accounts, which account-owner routing gives to one rep)."""
    if RoutingRule.objects.exists():
        return
    sales = Team.objects.get(kind=Team.Kind.SALES)
    everyone = RoutingRule.objects.create(
        position=10, kind=RoutingRule.Kind.ROUND_ROBIN, team=sales, name="Whole sales team"
    )
    reps = User.objects.filter(team=sales, role=User.Role.REP, is_active=True).order_by("email")
    RoutingMember.objects.bulk_create(RoutingMember(rule=everyone, user=rep) for rep in reps)


def _leads(version: AgreementVersion, rng: random.Random, wanted: int) -> list[Person]:
    """Leads the agreement calls MQLs: a sample of leads is scored (the demo's own MQLs have
    all moved on), and those that cross the line are taken, in the sample's order."""
    candidates = list(
        Person.objects.filter(lifecycle_stage=LifecycleStage.LEAD, handoffs__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    sample = rng.sample(candidates, min(len(candidates), SCORED_PER_LEAD_WANTED * wanted))
    rescore(version, sample)
    mqls = Person.objects.filter(pk__in=sample, lifecycle_stage=LifecycleStage.MQL)
    order = {pk: index for index, pk in enumerate(sample)}
    return sorted(mqls, key=lambda person: order[person.pk])[:wanted]


def _decide(handoff: Handoff, terms: SlaTerms, rng: random.Random) -> None:
    """Touched, then accepted or rejected for a reason the agreement disqualifies on."""
    rep = handoff.assigned_to
    do_record_first_touch(handoff, rep)
    if rng.random() < 0.5:
        do_accept(handoff, rep)
        return
    reasons = [
        reason
        for reason in RejectReason.values
        if terms.stage_after_reject(reason) == LifecycleStage.DISQUALIFIED
    ]
    do_reject(handoff, rep, rng.choice(reasons), "", terms)
