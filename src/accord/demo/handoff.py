"""The demo company's handoffs: every rep finds leads in their inbox, some overdue, and a few
leads are already accepted or rejected; and a handoff for every MQL of the company's history
that sales decided on, so SLA compliance and rejections have a past.

Deterministic from the seed: the same leads, reasons and clock offsets each time (the clocks
run from the moment the demo is loaded). Today's rejections use the reasons the agreement
disqualifies on, as the demo's funnel has no way back from MQL to lead; the history's were
given in the CRM before there was an agreement, and every one of them disqualified the lead.
"""

import datetime as dt
import random
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accord.agreement.models import AgreementVersion
from accord.agreement.rescoring import rescore
from accord.agreement.selectors import get_agreement_in_force
from accord.agreement.services import do_create_draft, do_sign
from accord.columns.writes import insert_rows
from accord.crm.models import LifecycleChange, LifecycleStage, Person
from accord.handoff.models import Handoff, RejectReason, RoutingMember, RoutingRule
from accord.handoff.routing import do_route
from accord.handoff.selectors import terms_in_force
from accord.handoff.services import do_accept, do_record_first_touch, do_reject
from accord.handoff.terms import SlaTerms
from accord.scoring import AgreementDocument
from accord.teams.models import Team, User
from accord.teams.selectors import get_working_calendar

OPEN_PER_REP = 3
DECIDED_PER_REP = 4
# Hours before the demo is loaded at which open leads were handed over, in turn: some fresh,
# some that have missed their first touch.
OPEN_AGES_HOURS = (1, 3, 20, 60)
SCORED_PER_LEAD_WANTED = 20  # leads scored for each MQL wanted: few leads cross the line
HISTORY_REASON = "Handed over in the CRM before Accord"
# Why reps disqualified leads in the CRM, before the agreement said which reasons disqualify:
# timing, fit and budget most often
PAST_REJECT_REASONS = {
    RejectReason.BAD_TIMING: 6,
    RejectReason.WRONG_FIT: 5,
    RejectReason.NO_BUDGET: 5,
    RejectReason.NOT_DECISION_MAKER: 4,
    RejectReason.BAD_CONTACT_DATA: 3,
    RejectReason.DUPLICATE: 2,
    RejectReason.COMPETITOR: 1,
    RejectReason.ALREADY_CUSTOMER: 1,
}


def seed_demo(today: dt.date, rng_seed: int, lead_definition: AgreementDocument) -> dict[str, int]:
    """Route MQLs of the demo to the reps under the agreement in force (`lead_definition`,
    signed by both heads, when none is): some accepted or rejected at once, the others open,
    handed over hours ago, so every rep's inbox holds some. Returns the handoffs made."""
    rng = random.Random(rng_seed)
    now = dt.datetime.combine(today, timezone.now().timetz())
    version = _agree(lead_definition)
    _rules()
    terms = terms_in_force()
    assert terms is not None  # the agreement just signed gives them
    reps = User.objects.filter(team__kind=Team.Kind.SALES, role=User.Role.REP, is_active=True)
    past = _past_handoffs(Team.objects.get(kind=Team.Kind.SALES), reps, terms, rng)
    leads = _leads(version, rng, reps.count() * (OPEN_PER_REP + DECIDED_PER_REP))
    open_count = min(len(leads), reps.count() * OPEN_PER_REP)
    decided, waiting = leads[open_count:], leads[:open_count]
    for person in decided:
        _decide(do_route(person, terms), terms, rng)
    for index, person in enumerate(waiting):
        at = now - dt.timedelta(hours=OPEN_AGES_HOURS[index % len(OPEN_AGES_HOURS)])
        do_route(person, terms, at=at)
    return {"handoff.handoff": past + len(leads)}


def _agree(lead_definition: AgreementDocument) -> AgreementVersion:
    in_force = get_agreement_in_force()
    if in_force is not None:
        return in_force
    heads = User.objects.filter(role=User.Role.HEAD).select_related("team")
    by_team = {head.team_kind: head for head in heads}
    version = do_create_draft(by_team[Team.Kind.MARKETING], _with_commitment(lead_definition))
    do_sign(version, by_team[Team.Kind.MARKETING])
    return do_sign(version, by_team[Team.Kind.SALES])


def _with_commitment(document: AgreementDocument) -> AgreementDocument:
    """The agreement, with Marketing committing to about the MQLs it has delivered a
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


PAST_FIELDS = (
    "person_id", "assigned_to_id", "team_id", "reason", "status", "handed_off_at",
    "first_touch_due_at", "first_touched_at", "decision_due_at", "decided_at", "reject_reason",
    "comment", "first_touch_breached_at", "decision_breached_at", "escalated_at",
)  # fmt: skip


@dataclass
class PastMql:
    """What the lifecycle history says sales did with one MQL."""

    person_id: int
    owner_id: int | None
    qualified_at: dt.datetime
    decision: str = ""  # the stage sales moved the MQL to
    decided_at: dt.datetime | None = None
    then: str = ""  # the stage after an acceptance


def _past_mqls() -> list[PastMql]:
    """Every MQL of the history that sales decided on, from their lifecycle changes."""
    changes = (
        LifecycleChange.objects.filter(
            Q(to_stage=LifecycleStage.MQL)
            | Q(from_stage__in=(LifecycleStage.MQL, LifecycleStage.SAL))
        )
        .order_by("person_id", "changed_at", "id")
        .values_list("person_id", "person__owner_id", "from_stage", "to_stage", "changed_at")
    )
    found: dict[int, PastMql] = {}
    for person_id, owner_id, from_stage, to_stage, at in changes.iterator(chunk_size=10_000):
        mql = found.get(person_id)
        if to_stage == LifecycleStage.MQL:
            found[person_id] = PastMql(person_id, owner_id, at)
        elif mql is not None and from_stage == LifecycleStage.MQL and not mql.decision:
            mql.decision, mql.decided_at = to_stage, at
        elif mql is not None and from_stage == LifecycleStage.SAL and not mql.then:
            mql.then = to_stage
    return [mql for mql in found.values() if mql.decision]


def _past_handoffs(team: Team, reps, terms: SlaTerms, rng: random.Random) -> int:
    """A handoff for each MQL of the history that sales decided on: to the lead's owner when a
    rep owns it, else to the reps in turn, at the moment it qualified, first touched some time
    before the decision, and accepted (converted once it went on to SQL) or rejected with one
    of `PAST_REJECT_REASONS`. Deadlines are the agreement's in the team's working hours, with
    the breaches the worker would have stamped."""
    mqls = _past_mqls()
    rep_ids = sorted(reps.values_list("pk", flat=True))
    calendar = get_working_calendar(team)
    reasons, weights = list(PAST_REJECT_REASONS), list(PAST_REJECT_REASONS.values())
    rows = (
        _past_row(mql, mql.owner_id if mql.owner_id is not None and mql.owner_id in rep_ids
                  else rep_ids[i % len(rep_ids)],
                  team, terms, calendar, rng.random(), rng.choices(reasons, weights)[0])
        for i, mql in enumerate(mqls)
    )  # fmt: skip
    insert_rows(Handoff, PAST_FIELDS, rows)
    return len(mqls)


def _past_row(mql: PastMql, rep_id: int, team, terms, calendar, share: float, reject_reason):
    """One past handoff's values in `PAST_FIELDS` order; `share` places the first touch
    between the handoff and the decision."""
    handed = mql.qualified_at
    assert mql.decided_at is not None  # `_past_mqls` keeps the MQLs sales decided on
    touched = handed + (mql.decided_at - handed) * (0.05 + 0.6 * share)
    touch_due = calendar.add_hours(handed, terms.first_touch_hours)
    decision_due = calendar.add_days(handed, terms.decision_days)
    if mql.decision != LifecycleStage.SAL:
        status = Handoff.Status.REJECTED
    elif mql.then == LifecycleStage.DISQUALIFIED:
        status = Handoff.Status.REJECTED
    elif mql.then:
        status, reject_reason = Handoff.Status.CONVERTED, ""
    else:
        status, reject_reason = Handoff.Status.ACCEPTED, ""
    touch_breach = touch_due if touched > touch_due else None
    decision_breach = decision_due if mql.decided_at > decision_due else None
    escalated = touch_breach or decision_breach
    return (
        mql.person_id, rep_id, team.pk, HISTORY_REASON, status, handed, touch_due, touched,
        decision_due, mql.decided_at, reject_reason, "", touch_breach, decision_breach, escalated,
    )  # fmt: skip
