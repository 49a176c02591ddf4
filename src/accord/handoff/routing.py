"""Routing an MQL to a rep, by the rules an admin orders.

Account owner first (the lead's account, or the account whose domain is the lead's e-mail
domain), then territory rules in order, then weighted round robin. A rep who is inactive, away
or at capacity is passed over; a rule that finds nobody hands over to the next.

Race safety: the person row is locked first (a second router of the same person waits, then
finds the open handoff and returns it). Then only the rules that can apply to the lead are
locked, one by one in position order as they are tried: a round-robin or territory rule by its
member rows (read with their counters, so its turns are taken one at a time), the account-owner
rule by its own row when the account has an owner. A territory the lead is not in, or an account
without an owner, locks nothing, and routes through different rules run side by side. Locks are
always taken in the same order (handoff, person, then rules by position), here and in the inbox
actions, so they cannot deadlock. A rep who is a member of two rules is capped per rule lock: two
leads routed at once through two different rules may both count the same open handoffs.
"""

import datetime as dt
from dataclasses import dataclass, replace
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from accord.audit.services import Action, record_change
from accord.crm.models import Account, LifecycleStage, Person
from accord.handoff.alerts import alert_lead_routed
from accord.handoff.models import Handoff, RoutingMember, RoutingRule
from accord.handoff.terms import SlaTerms
from accord.teams.models import Team, User
from accord.teams.selectors import get_working_calendar


class NotRoutable(Exception):
    """Only an MQL is handed to sales."""


class NoRepAvailable(Exception):
    """Every rule was tried and nobody can take the lead (away, at capacity, or no rule)."""


@dataclass(frozen=True)
class Choice:
    user: User
    rule: RoutingRule
    reason: str
    member: RoutingMember | None = None


@transaction.atomic
def do_route(person: Person, terms: SlaTerms, *, at: dt.datetime | None = None) -> Handoff:
    """Hand an MQL to a rep, with its SLA deadlines. Returns the person's open handoff if they
    already have one, so routing the same person twice hands them off once."""
    locked = Person.objects.select_for_update(of=("self",)).select_related("account")
    locked = locked.get(pk=person.pk)
    handoff = route_locked(locked, terms, at=at)
    person.owner, person.account = locked.owner, locked.account
    return handoff


def route_locked(
    locked: Person, terms: SlaTerms, *, at: dt.datetime | None = None, new: bool = False
) -> Handoff:
    """`do_route` for a person the caller has already locked in its own transaction (read with
    `select_for_update(of=("self",))` and its account, after any change to their stage), with no
    savepoint of its own: it writes nothing before it is sure of the rep, so a refusal
    (`NotRoutable`, `NoRepAvailable`) leaves nothing behind. `new` says the caller made the
    person in this same transaction, so no other handoff of theirs can exist and none is read."""
    at = at or timezone.now()
    if not new:
        existing = Handoff.objects.filter(person=locked, status__in=Handoff.OPEN).first()
        if existing is not None:
            return existing
    if locked.lifecycle_stage != LifecycleStage.MQL:
        raise NotRoutable(
            f"{locked.email} is at stage {locked.get_lifecycle_stage_display()!r}: "
            "only a marketing qualified lead is routed"
        )
    account = find_account(locked)
    choice = choose_rep(active_rules(), account, at)
    if choice is None:
        raise NoRepAvailable(f"No rep can take {locked.email}: every routing rule came up empty")
    handoff = _hand_over(locked, choice, terms, at)
    changed = ["owner", "updated_at"]
    if locked.account_id is None and account is not None:
        locked.account = account
        changed.append("account")
    locked.save(update_fields=changed)
    return handoff


@transaction.atomic
def do_reroute(
    handoff: Handoff, terms: SlaTerms, *, at: dt.datetime | None = None
) -> Handoff | None:
    """Give a lead whose rep missed the first touch to the next available rep by the same rules,
    with fresh clocks; the missed handoff is closed as reassigned. None when the lead was touched
    or closed meanwhile, or when nobody else can take it (it then stays with its rep)."""
    at = at or timezone.now()
    missed = Handoff.objects.select_for_update(of=("self",)).select_related("assigned_to")
    missed = missed.get(pk=handoff.pk)
    if not missed.is_open or missed.first_touched_at is not None:
        return None
    person = Person.objects.select_for_update().get(pk=missed.person_id)
    choice = choose_rep(active_rules(), find_account(person), at, passing_over=missed.assigned_to)
    if choice is None:
        return None
    missed.status = Handoff.Status.REASSIGNED
    missed.save(update_fields=["status"])
    reason = f"{choice.reason}, after {missed.assigned_to} missed the first touch"
    moved = _hand_over(person, replace(choice, reason=reason), terms, at, previous=missed)
    person.save(update_fields=["owner", "updated_at"])
    return moved


def active_rules() -> list[RoutingRule]:
    """The active rules in order, with their teams; each is locked when tried (module doc)."""
    return list(RoutingRule.objects.filter(is_active=True).select_related("team"))


def _hand_over(
    person: Person, choice: Choice, terms: SlaTerms, at: dt.datetime, previous=None
) -> Handoff:
    """The new handoff and its clocks; counts the lead in the member's round robin and makes the
    rep the person's owner (the caller saves the person)."""
    if choice.member is not None:
        RoutingMember.objects.filter(pk=choice.member.pk).update(
            assigned_count=F("assigned_count") + 1
        )
    record_change(
        actor=None,
        action=Action.CHANGED,
        record_type="person",
        record_id=person.pk,
        field="owner",
        old=person.owner_id,
        new=choice.user,
        reason=choice.reason,
        at=at,
    )
    person.owner = choice.user
    calendar = get_working_calendar(choice.rule.team)
    handoff = Handoff.objects.create(
        person=person,
        assigned_to=choice.user,
        team=choice.rule.team,
        rule=choice.rule,
        previous=previous,
        reason=choice.reason,
        agreement_version=terms.agreement_version,
        handed_off_at=at,
        first_touch_due_at=calendar.add_hours(at, terms.first_touch_hours),
        decision_due_at=calendar.add_days(at, terms.decision_days),
    )
    alert_lead_routed(handoff)
    return handoff


def find_account(person: Person) -> Account | None:
    """The person's account, or else the account whose domain is their e-mail domain."""
    if person.account_id is not None:
        return person.account
    domain = person.email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    return Account.objects.filter(domain__iexact=domain).first()


def choose_rep(
    rules: list[RoutingRule], account: Account | None, at: dt.datetime, passing_over=None
):
    """The first rule, in order, that finds an available rep (never `passing_over`); None when
    none does."""
    for rule in rules:
        if rule.kind == RoutingRule.Kind.ACCOUNT_OWNER:
            choice = _account_owner(rule, account, at, passing_over)
        elif rule.kind == RoutingRule.Kind.TERRITORY:
            choice = _round_robin(rule, at, passing_over) if in_territory(rule, account) else None
        else:
            choice = _round_robin(rule, at, passing_over)
        if choice is not None:
            return choice
    return None


def in_territory(rule: RoutingRule, account: Account | None) -> bool:
    """Whether the account is in the rule's territory; an empty filter matches anything."""
    regions = {r.lower() for r in rule.region_list}
    industries = {i.lower() for i in rule.industry_list}
    sized = rule.employees_min is not None or rule.employees_max is not None
    if account is None:
        return not (regions or industries or sized)
    if regions and account.region.lower() not in regions:
        return False
    if industries and account.industry.lower() not in industries:
        return False
    if sized:
        size = account.employee_count
        if size is None:
            return False
        if rule.employees_min is not None and size < rule.employees_min:
            return False
        if rule.employees_max is not None and size > rule.employees_max:
            return False
    return True


def _account_owner(rule: RoutingRule, account: Account | None, at: dt.datetime, passing_over):
    if account is None or account.owner_id is None:
        return None
    owner = account.owner
    if owner.team_id != rule.team_id or owner == passing_over:
        return None
    list(RoutingRule.objects.select_for_update().filter(pk=rule.pk).values_list("pk"))  # a turn
    open_count = _open_counts([owner.pk]).get(owner.pk, 0)
    if not is_available(owner, _owner_capacity(owner), open_count, rule.team, at):
        return None
    return Choice(owner, rule, f"Account owner of {account.domain or account.name}")


def _owner_capacity(owner: User) -> int | None:
    """An account owner's cap is the tightest of their round-robin memberships (none: no cap)."""
    capacities = RoutingMember.objects.filter(
        user=owner, rule__is_active=True, capacity__isnull=False
    ).values_list("capacity", flat=True)
    return min(capacities, default=None)


def _round_robin(rule: RoutingRule, at: dt.datetime, passing_over):
    """The available member whose turn it is (see `next_in_turn`)."""
    locked = rule.members.select_for_update(of=("self",)).select_related("user").order_by("id")
    members = [m for m in locked if m.user != passing_over]
    capped = [m.user_id for m in members if m.capacity is not None]
    open_counts = _open_counts(capped) if capped else {}  # only a capacity cap needs them
    available = [
        m
        for m in members
        if is_available(m.user, m.capacity, open_counts.get(m.user_id, 0), rule.team, at)
    ]
    if not available:
        return None
    member = next_in_turn(available)
    if rule.kind == RoutingRule.Kind.TERRITORY:
        return Choice(member.user, rule, rule.label, member)
    return Choice(member.user, rule, f"Round robin (weight {member.weight})", member)


def next_in_turn(members: list[RoutingMember]) -> RoutingMember:
    """Weighted round robin: the member with the lowest (assigned + 1) / weight, ties to the
    oldest member (the D'Hondt sequence). Each member always has at least its share of the
    leads rounded down, and after every full turn (leads = total weight) exactly its weight."""
    return min(members, key=lambda m: (Fraction(m.assigned_count + 1, m.weight), m.pk))


def is_available(
    user: User, capacity: int | None, open_count: int, team: Team, at: dt.datetime
) -> bool:
    """Active, not away on the team's today, and under capacity."""
    if not user.is_active:
        return False
    today = at.astimezone(ZoneInfo(team.time_zone)).date()
    if user.away_until is not None and user.away_until >= today:
        return False
    return capacity is None or open_count < capacity


def _open_counts(user_ids: list[int]) -> dict[int, int]:
    rows = (
        Handoff.objects.filter(assigned_to_id__in=user_ids, status__in=Handoff.OPEN)
        .values("assigned_to_id")
        .annotate(n=Count("id"))
    )
    return {row["assigned_to_id"]: row["n"] for row in rows}
