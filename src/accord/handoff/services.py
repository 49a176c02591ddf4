"""What a rep and their head do with a handoff, and the SLA breach sweep.

Every change locks the handoff row (select_for_update inside atomic) and is refused when the
user may not act or the handoff is closed. Lifecycle moves go through crm.services, which
writes the history row.
"""

import datetime as dt
from dataclasses import dataclass, replace

from django.db import models, transaction
from django.utils import timezone

from accord.audit.services import Action, RecordType, record_change
from accord.crm.models import LifecycleStage, Person
from accord.crm.services import WITH_SALES, do_change_lifecycle_stage, do_recycle
from accord.handoff import access as handoff_access
from accord.handoff import rollups
from accord.handoff.alerts import (
    alert_lead_rejected,
    alert_lead_routed,
    alert_sla_breached,
    notify_clock_running_out,
)
from accord.handoff.models import Handoff, RejectReason, SlaClock
from accord.handoff.routing import NoRepAvailable, NotRoutable, do_reroute, do_route
from accord.handoff.selectors import pool_mqls, terms_in_force
from accord.handoff.terms import SlaTerms
from accord.teams import access
from accord.teams.models import Team, User
from accord.teams.selectors import get_working_calendar


class HandoffRefused(Exception):
    """The action cannot be done; the message says why, in the user's words."""

    def __init__(self, message: str, field: str | None = None):
        self.message, self.field = message, field
        super().__init__(message)


class NotAllowed(HandoffRefused):
    pass


class HandoffClosed(HandoffRefused):
    pass


def check_may_act(handoff: Handoff, user: User) -> None:
    """Only the rep the lead is assigned to, or the head of that team, acts on a handoff."""
    if handoff_access.may_act_on_handoff(user, handoff):
        return
    raise NotAllowed(
        f"This lead is assigned to {handoff.assigned_to}: only they or their team head may act"
    )


def check_open(handoff: Handoff) -> None:
    if not handoff.is_open:
        raise HandoffClosed(
            f"This handoff is closed ({handoff.get_status_display().lower()}): nothing more "
            "can be done on it"
        )


def _lock(handoff: Handoff, user: User) -> Handoff:
    locked = (
        Handoff.objects.select_for_update(of=("self",))
        .select_related("assigned_to", "person")
        .get(pk=handoff.pk)
    )
    check_may_act(locked, user)
    check_open(locked)
    return locked


def check_with_sales(locked: Handoff) -> None:
    """Accept, reject and convert move a lead that is with sales (MQL or SAL); one moved on
    meanwhile (by an import) stays where it is."""
    person = locked.person
    if person.lifecycle_stage not in WITH_SALES:
        raise HandoffRefused(
            f"{person.email} is now a {person.get_lifecycle_stage_display().lower()}: no longer "
            "a lead with sales, so this handoff does not move them"
        )


def _refresh(handoff: Handoff, locked: Handoff) -> Handoff:
    """Keep the caller's object in step with the row just saved."""
    handoff.refresh_from_db()
    return locked


def _set_owner(person: Person, owner: User | None, by: User, reason: str) -> None:
    record_change(
        actor=by,
        action=Action.CHANGED,
        record_type=RecordType.PERSON,
        record_id=person.pk,
        field="owner",
        old=person.owner_id,
        new=owner,
        reason=reason,
    )
    person.owner = owner
    person.save(update_fields=["owner", "updated_at"])


@transaction.atomic
def do_record_first_touch(handoff: Handoff, rep: User, *, at=None) -> Handoff:
    """The rep reached out (call, e-mail): stops the first-touch clock. Later touches change
    nothing."""
    locked = _lock(handoff, rep)
    if locked.first_touched_at is None:
        locked.first_touched_at = at or timezone.now()
        locked.save(update_fields=["first_touched_at"])
        rollups.refresh_days([locked.handed_off_at])
    return _refresh(handoff, locked)


@transaction.atomic
def do_accept(handoff: Handoff, rep: User, *, at=None, where: str = "") -> Handoff:
    """The rep accepts the lead: it becomes a sales accepted lead (SAL). `where`: the CRM the
    rep accepted it in (their lead marked working there), for the history."""
    at = at or timezone.now()
    locked = _lock(handoff, rep)
    if locked.status == Handoff.Status.ACCEPTED:
        raise HandoffRefused("This lead is already accepted")
    check_with_sales(locked)
    _accept(locked, rep, at, reason=f"accepted by rep in {where}" if where else "")
    rollups.refresh_days([locked.handed_off_at])  # after the funnel's rollups
    return _refresh(handoff, locked)


def _accept(locked: Handoff, rep: User, at: dt.datetime, *, reason: str = "") -> None:
    locked.status = Handoff.Status.ACCEPTED
    locked.decided_at = at
    locked.first_touched_at = locked.first_touched_at or at
    locked.save(update_fields=["status", "decided_at", "first_touched_at"])
    do_change_lifecycle_stage(
        locked.person, LifecycleStage.SAL, by=rep, reason=reason or "accepted by rep", at=at
    )


def check_terms() -> SlaTerms:
    """The SLA terms of the agreement in force, which say where a rejected lead goes."""
    terms = terms_in_force()
    if terms is None:
        raise HandoffRefused("No agreement is in force: it says where a rejected lead goes")
    return terms


def check_reject_reason(reason_code: str, comment: str) -> None:
    if reason_code not in RejectReason.values:
        raise HandoffRefused(
            f"Choose a reject reason: {', '.join(RejectReason.values)}", field="reason_code"
        )
    if reason_code == RejectReason.OTHER and not comment.strip():
        raise HandoffRefused("Say why in a comment when the reason is 'other'", field="comment")


@transaction.atomic
def do_reject(
    handoff: Handoff, rep: User, reason_code: str, comment: str, terms: SlaTerms, *, at=None
) -> Handoff:
    """The rep sends the lead back to marketing with a reason: recycled to nurture ("lead") or
    disqualified as the agreement says for that reason, and released from the rep."""
    check_reject_reason(reason_code, comment)
    at = at or timezone.now()
    locked = _lock(handoff, rep)
    check_with_sales(locked)
    locked.status = Handoff.Status.REJECTED
    locked.decided_at = locked.decided_at or at
    locked.reject_reason = reason_code
    locked.comment = comment.strip()
    locked.save(update_fields=["status", "decided_at", "reject_reason", "comment"])
    label = RejectReason(reason_code).label.lower()
    stage, why = terms.stage_after_reject(reason_code), f"rejected by rep: {label}"
    if stage == LifecycleStage.DISQUALIFIED:
        do_change_lifecycle_stage(locked.person, stage, by=rep, reason=why, at=at)
    else:
        until = at + dt.timedelta(days=terms.recycle_after_days)
        do_recycle(locked.person, stage, until, by=rep, reason=why, at=at)
    _set_owner(locked.person, None, rep, f"rejected by rep: {label}")
    rollups.refresh_days([locked.handed_off_at])  # after the funnel's rollups
    alert_lead_rejected(locked)
    return _refresh(handoff, locked)


@transaction.atomic
def do_convert(handoff: Handoff, rep: User, *, at=None) -> Handoff:
    """The lead is qualified (SQL). A lead converted before it was accepted is accepted in the
    same step, so the funnel history still shows it passed through SAL."""
    at = at or timezone.now()
    locked = _lock(handoff, rep)
    check_with_sales(locked)
    if locked.status == Handoff.Status.ASSIGNED:
        _accept(locked, rep, at)
    locked.status = Handoff.Status.CONVERTED
    locked.save(update_fields=["status"])
    do_change_lifecycle_stage(
        locked.person, LifecycleStage.SQL, by=rep, reason="converted by rep", at=at
    )
    rollups.refresh_days([locked.handed_off_at])  # after the funnel's rollups
    return _refresh(handoff, locked)


@transaction.atomic
def do_reassign(handoff: Handoff, head: User, to_rep: User, *, at=None) -> Handoff:
    """The team head gives an open lead to another rep of the team.

    The old handoff is closed as reassigned and a new one opened for `to_rep`. The SLA clocks
    keep running from the original handoff (same deadlines, first touch, breaches and
    escalation): a reassignment does not buy the team more time. The head decides, so the new
    rep's capacity and absence are not checked.
    """
    locked = _lock(handoff, head)
    if not handoff_access.may_reassign_handoff(head, locked):
        raise NotAllowed(f"Only the head of {locked.team} may reassign its leads")
    if not handoff_access.may_receive_handoff(to_rep, locked):
        raise HandoffRefused(f"{to_rep} is not an active member of {locked.team}", field="to_rep")
    if to_rep.pk == locked.assigned_to_id:
        raise HandoffRefused(f"This lead is already assigned to {to_rep}", field="to_rep")
    locked.status = Handoff.Status.REASSIGNED
    locked.save(update_fields=["status"])
    moved = Handoff.objects.create(
        person=locked.person,
        assigned_to=to_rep,
        team=locked.team,
        rule=locked.rule,
        previous=locked,
        reason=f"Reassigned by {head} from {locked.assigned_to}",
        status=Handoff.Status.ASSIGNED if locked.decided_at is None else Handoff.Status.ACCEPTED,
        **{field: getattr(locked, field) for field in _CLOCK_FIELDS},
    )
    rollups.refresh_days([moved.handed_off_at])  # the clocks counted in the new handoff
    _set_owner(locked.person, to_rep, head, moved.reason)
    alert_lead_routed(moved)
    handoff.refresh_from_db()
    return moved


_CLOCK_FIELDS = (
    "agreement_version",
    "handed_off_at",
    "first_touch_due_at",
    "first_touched_at",
    "decision_due_at",
    "decided_at",
    "first_touch_breached_at",
    "decision_breached_at",
    "escalated_at",
)


# --- the pool ---------------------------------------------------------------------------------

POOL_BATCH = 100  # MQLs routed per request: each takes a few ms and alerts its rep


@dataclass(frozen=True)
class PoolRouting:
    routed: int
    no_rep: int  # MQLs for whom every rule came up empty (reps away or at capacity)
    waiting: int  # MQLs still in the pool afterwards


def do_route_pool(user: User, *, limit: int = POOL_BATCH) -> PoolRouting:
    """The sales head hands the MQLs waiting in the pool to reps by the routing rules, longest
    waiting first, `limit` at a time; each starts its SLA clocks and alerts its rep, as a
    captured MQL does. Each lead is routed in its own transaction (race-safe as any routing)."""
    if not access.may_pick_team_reps(user):
        raise NotAllowed("Only the sales head routes the MQLs waiting in the pool")
    terms = terms_in_force()
    if terms is None:
        raise HandoffRefused("No agreement is in force: it sets the clocks a routed lead runs on")
    routed = no_rep = 0
    for person in pool_mqls()[:limit]:
        try:
            do_route(person, terms)
        except (NoRepAvailable, NotRoutable):  # no rep free, or no longer an MQL
            no_rep += 1
        else:
            routed += 1
    return PoolRouting(routed, no_rep, pool_mqls().count())


# --- the breach sweep -------------------------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    """A clock newly run out, and the heads to alert about it."""

    handoff: Handoff
    clock: SlaClock
    alert: list[User]
    rerouted_to: Handoff | None = None  # the new handoff when the terms reassign on breach


_CLOCKS = (
    # clock, its deadline, the moment that stops it, the breach stamp
    (SlaClock.FIRST_TOUCH, "first_touch_due_at", "first_touched_at", "first_touch_breached_at"),
    (SlaClock.DECISION, "decision_due_at", "decided_at", "decision_breached_at"),
)


def do_mark_breaches(now: dt.datetime | None = None, terms: SlaTerms | None = None) -> list[Breach]:
    """Mark every open handoff whose clock ran out before `now`, escalate it to the team head
    (stamp `escalated_at`) and return who to alert. Each breach is claimed by a conditional
    UPDATE that must change exactly one row, so concurrent or repeated sweeps never mark or
    alert the same breach twice.

    When the terms say so, a lead whose first touch was missed goes to the next available rep
    (see `do_reroute`); a missed decision only escalates, since the rep is working the lead."""
    now = now or timezone.now()
    claimed = []
    for clock, due, stop, stamp in _CLOCKS:
        waiting = {
            "status__in": Handoff.OPEN,
            f"{stop}__isnull": True,
            f"{stamp}__isnull": True,
            "person__archived_at__isnull": True,  # the CRM deleted the lead: no clock runs
        }
        overdue = Handoff.objects.filter(**waiting, **{f"{due}__lt": now})
        for pk in overdue.values_list("pk", flat=True).order_by(due):
            with transaction.atomic():  # the breach and its alert are written together
                if Handoff.objects.filter(pk=pk, **waiting).update(
                    **{stamp: now}, escalated_at=now
                ):
                    claimed.append((pk, clock))
                    [breach] = _with_heads([(pk, clock)])
                    alert_sla_breached(breach.handoff, clock, breach.alert)
    breaches = _with_heads(claimed)
    if terms is not None and terms.reassign_on_breach:
        breaches = [_reroute(breach, terms, now) for breach in breaches]
    return breaches


WARN_AHEAD_HOURS = 2  # working hours before a clock runs out that its rep is told


def do_warn_clocks_running_out(now: dt.datetime | None = None) -> int:
    """Tell the rep, in their bell, of each open clock that runs out within two working hours
    (their team's calendar); the number told. Each warning is claimed by a conditional UPDATE
    that must change exactly one row, so the sweep every minute tells of a clock once."""
    now = now or timezone.now()
    open_teams = Team.objects.filter(
        pk__in=Handoff.objects.filter(status__in=Handoff.OPEN).values("team_id")
    )
    horizons = {
        team.pk: get_working_calendar(team).add_hours(now, WARN_AHEAD_HOURS) for team in open_teams
    }
    told = 0
    for clock, due, stop, stamp in _CLOCKS:
        warned = f"{clock}_warned_at"
        waiting = {
            "status__in": Handoff.OPEN,
            f"{stop}__isnull": True,
            f"{stamp}__isnull": True,
            f"{warned}__isnull": True,
            "person__archived_at__isnull": True,  # the CRM deleted the lead: no clock runs
        }
        for team_id, horizon in horizons.items():
            soon = Handoff.objects.filter(
                **waiting, team_id=team_id, **{f"{due}__gte": now, f"{due}__lte": horizon}
            )
            for pk in soon.values_list("pk", flat=True).order_by(due):
                with transaction.atomic():  # the stamp and the notification are written together
                    if Handoff.objects.filter(pk=pk, **waiting).update(**{warned: now}):
                        handoff = Handoff.objects.select_related("person", "assigned_to").get(pk=pk)
                        notify_clock_running_out(handoff, clock)
                        told += 1
    return told


def _reroute(breach: Breach, terms: SlaTerms, now: dt.datetime) -> Breach:
    if breach.clock != SlaClock.FIRST_TOUCH:
        return breach
    return replace(breach, rerouted_to=do_reroute(breach.handoff, terms, at=now))


def _with_heads(claimed: list[tuple[int, SlaClock]]) -> list[Breach]:
    handoffs = Handoff.objects.select_related("person", "assigned_to", "team").in_bulk(
        [pk for pk, _ in claimed]
    )
    team_ids = {h.team_id for h in handoffs.values()}
    heads: dict[int, list[User]] = {team_id: [] for team_id in team_ids}
    for head in User.objects.filter(
        team_id__in=team_ids, role=User.Role.HEAD, is_active=True
    ).order_by("pk"):
        heads[head.team_id].append(head)
    return [Breach(handoffs[pk], clock, heads[handoffs[pk].team_id]) for pk, clock in claimed]


# --- several leads at once --------------------------------------------------------------------

BULK_LIMIT = 200  # leads per bulk action: a page of the inbox is fifty


class BulkAction(models.TextChoices):
    ACCEPT = "accept", "Accept"
    REJECT = "reject", "Reject"
    REASSIGN = "reassign", "Reassign"


@dataclass(frozen=True)
class Refusal:
    handoff_id: int
    lead: str
    reason: str


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did: the handoffs done (a reassignment's new ones) and, for each lead
    refused, why."""

    action: str
    done: list[Handoff]
    refused: list[Refusal]


@transaction.atomic
def do_bulk(
    handoffs: list[Handoff],
    user: User,
    action: str,
    *,
    reason_code: str = "",
    comment: str = "",
    to_rep: User | None = None,
) -> BulkResult:
    """Accept, reject (one reason for all) or reassign several leads in one transaction, each
    through the same service as one by one, so the same rules hold and the same audit and
    alerts are written. A lead refused (closed meanwhile, another's, already accepted) is
    reported with its reason and the others still done; a mistake common to all (no reason,
    no rep, too many leads) refuses the whole action before anything changes."""
    if action not in BulkAction.values:
        raise HandoffRefused(f"Choose an action: {', '.join(BulkAction.values)}", field="action")
    if not handoffs:
        raise HandoffRefused("Select the leads to act on", field="handoff_ids")
    if len(handoffs) > BULK_LIMIT:
        raise HandoffRefused(f"Act on at most {BULK_LIMIT} leads at a time", field="handoff_ids")
    one = _bulk_step(user, action, reason_code, comment, to_rep)
    done, refused = [], []
    for handoff in handoffs:
        try:
            with transaction.atomic():  # a refused lead leaves nothing of itself behind
                done.append(one(handoff))
        except HandoffRefused as exc:
            refused.append(Refusal(handoff.pk, handoff.person.name, exc.message))
    return BulkResult(action, done, refused)


def _bulk_step(user: User, action: str, reason_code: str, comment: str, to_rep: User | None):
    if action == BulkAction.ACCEPT:
        return lambda handoff: do_accept(handoff, user)
    if action == BulkAction.REJECT:
        check_reject_reason(reason_code, comment)
        terms = check_terms()
        return lambda handoff: do_reject(handoff, user, reason_code, comment, terms)
    if to_rep is None:
        raise HandoffRefused("Choose the rep to give these leads to", field="to_rep_id")
    return lambda handoff: do_reassign(handoff, user, to_rep)
