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
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from accord.audit.services import RecordType, record_changes
from accord.columns import writes
from accord.crm import rollups as crm_rollups
from accord.crm.models import Account, LifecycleStage, Person
from accord.handoff import rollups
from accord.handoff.alerts import alert_lead_routed, alert_leads_routed
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
    if "account" in changed:  # the lead joins the account's segment
        crm_rollups.refresh_people([locked.pk])
    rollups.refresh_days([at])
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
    rollups.refresh_days([missed.handed_off_at, at])
    return moved


def active_rules() -> list[RoutingRule]:
    """The active rules in order, with their teams; each is locked when tried (module doc)."""
    return list(RoutingRule.objects.filter(is_active=True).select_related("team"))


def _hand_over(
    person: Person, choice: Choice, terms: SlaTerms, at: dt.datetime, previous=None
) -> Handoff:
    """The new handoff and its clocks; counts the lead in the member's round robin and makes the
    rep the person's owner (the caller saves the person)."""
    Turns().took(choice)
    # as in a batch (`record_changes`): the owner's history holds changes only; the handoff
    # keeps the reason of a lead handed to the rep who already owned it
    record_changes(
        [(person.pk, person.owner_id, choice.user.pk)],
        record_type=RecordType.PERSON,
        field="owner",
        reason=choice.reason,
        at=at,
    )
    person.owner = choice.user
    handoff = _handoff(person, choice, terms, at, _deadlines(choice.rule.team, terms, at))
    handoff.previous = previous
    handoff.save()
    alert_lead_routed(handoff)
    return handoff


def _deadlines(team: Team, terms: SlaTerms, at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """When the first touch and the decision are due for a lead the team gets `at`, in the
    team's working time."""
    calendar = get_working_calendar(team)
    return (
        calendar.add_hours(at, terms.first_touch_hours),
        calendar.add_days(at, terms.decision_days),
    )


def _handoff(
    person: Person,
    choice: Choice,
    terms: SlaTerms,
    at: dt.datetime,
    deadlines: tuple[dt.datetime, dt.datetime],
) -> Handoff:
    """The unsaved handoff of the person to the chosen rep, its clocks starting `at`."""
    first_touch_due_at, decision_due_at = deadlines
    return Handoff(
        person=person,
        assigned_to=choice.user,
        team=choice.rule.team,
        rule=choice.rule,
        reason=choice.reason,
        agreement_version=terms.agreement_version,
        handed_off_at=at,
        first_touch_due_at=first_touch_due_at,
        decision_due_at=decision_due_at,
    )


@transaction.atomic(savepoint=False)  # all or nothing with the caller's batch
def route_batch(
    people: list[Person],
    terms: SlaTerms,
    *,
    captured_at: dict[int, dt.datetime] | None = None,
    at: dt.datetime | None = None,
) -> dict[int, Handoff]:
    """Route many people at once, by the same rules and turns as one at a time (the worker's
    batch of captures): each MQL's open handoff by their id, made now for one without; a person
    who is no MQL or whom no rep can take is left out.

    The caller has locked the people (`select_for_update(of=("self",))`, by id, with their
    account) in its transaction. Every active rule's members are then locked and read once,
    the turns and open handoffs counted in memory as the leads are handed out, and the
    handoffs, history, owners and alerts written a statement per kind (one alert each).
    `captured_at` gives each person the moment their capture arrived, shown in the inbox."""
    at = at or timezone.now()
    mqls = [p for p in people if p.lifecycle_stage == LifecycleStage.MQL]
    handoffs = {
        h.person_id: h for h in Handoff.objects.filter(person__in=mqls, status__in=Handoff.OPEN)
    }
    waiting = [p for p in mqls if p.pk not in handoffs]
    if not waiting:
        return handoffs
    accounts = _accounts_of(waiting)
    rules = active_rules()
    owners = {a.owner_id for a in accounts.values() if a is not None and a.owner_id is not None}
    turns = BatchTurns(rules, sorted(owners))
    chosen = []
    for person in waiting:
        choice = choose_rep(rules, accounts[person.pk], at, turns=turns)
        if choice is not None:
            turns.took(choice)
            chosen.append((person, choice, accounts[person.pk]))
    turns.save()
    made = _hand_over_all(chosen, terms, at, captured_at or {})
    return {**handoffs, **made}


def _accounts_of(people: list[Person]) -> dict[int, Account | None]:
    """Each person's account, or the account of their e-mail domain (`find_account`), with its
    owner: one query."""
    domains = {p.email.rpartition("@")[2].strip().lower() for p in people if p.account_id is None}
    domains.discard("")
    wanted = Q(pk__in=[p.account_id for p in people if p.account_id is not None])
    if domains:
        wanted |= Q(lower_domain__in=domains)
    found = list(
        Account.objects.annotate(lower_domain=Lower("domain"))
        .filter(wanted)
        .select_related("owner")
        .order_by("pk")
    )
    by_id = {a.pk: a for a in found}
    by_domain: dict[str, Account] = {}
    for account in found:
        by_domain.setdefault(account.lower_domain, account)
    return {
        p.pk: by_id.get(p.account_id)
        if p.account_id is not None
        else by_domain.get(p.email.rpartition("@")[2].strip().lower())
        for p in people
    }


def _hand_over_all(chosen, terms: SlaTerms, at: dt.datetime, captured_at) -> dict[int, Handoff]:
    """`_hand_over` for many leads: the handoffs, the owners' history and the people in one
    statement each, then the reps' alerts. Every lead a team gets in the batch is handed over
    at the same moment, so its clocks are worked out once per team."""
    deadlines: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    handoffs, history, joined = [], [], []
    for person, choice, account in chosen:
        team = choice.rule.team
        if team.pk not in deadlines:
            deadlines[team.pk] = _deadlines(team, terms, at)
        history.append((person.pk, person.owner_id, choice.user.pk, choice.reason))
        person.owner = choice.user
        if person.account_id is None and account is not None:
            person.account = account
            joined.append(person.pk)
        person.updated_at = at
        handoff = _handoff(person, choice, terms, at, deadlines[team.pk])
        handoff.captured_at = captured_at.get(person.pk)
        handoffs.append(handoff)
    Handoff.objects.bulk_create(handoffs)
    for reason in sorted({row[3] for row in history}):
        rows = [(pk, old, new) for pk, old, new, why in history if why == reason]
        record_changes(rows, record_type=RecordType.PERSON, field="owner", reason=reason, at=at)
    writes.update_rows(
        Person,
        ("owner_id", "account_id", "updated_at"),
        ((p.owner_id, p.account_id, at, p.pk) for p, _, _ in chosen),
    )
    crm_rollups.refresh_people(joined)  # they join their account's segment
    rollups.refresh_days([at])
    alert_leads_routed(handoffs)
    return {h.person_id: h for h in handoffs}


def find_account(person: Person) -> Account | None:
    """The person's account, or else the account whose domain is their e-mail domain."""
    if person.account_id is not None:
        return person.account
    domain = person.email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    return Account.objects.filter(domain__iexact=domain).first()


def choose_rep(
    rules: list[RoutingRule],
    account: Account | None,
    at: dt.datetime,
    passing_over=None,
    turns: "Turns | None" = None,
):
    """The first rule, in order, that finds an available rep (never `passing_over`); None when
    none does. `turns` reads the members and their open handoffs (one lead: as each rule is
    tried)."""
    turns = turns or Turns()
    for rule in rules:
        if rule.kind == RoutingRule.Kind.ACCOUNT_OWNER:
            choice = _account_owner(rule, account, at, passing_over, turns)
        elif rule.kind == RoutingRule.Kind.TERRITORY:
            in_it = in_territory(rule, account)
            choice = _round_robin(rule, at, passing_over, turns) if in_it else None
        else:
            choice = _round_robin(rule, at, passing_over, turns)
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


def _account_owner(
    rule: RoutingRule, account: Account | None, at: dt.datetime, passing_over, turns: "Turns"
):
    if account is None or account.owner_id is None:
        return None
    owner = account.owner
    if owner.team_id != rule.team_id or owner == passing_over:
        return None
    turns.lock_rule(rule)  # a turn
    open_count = turns.open_counts([owner.pk]).get(owner.pk, 0)
    if not is_available(owner, turns.owner_capacity(owner), open_count, rule.team, at):
        return None
    return Choice(owner, rule, f"Account owner of {account.domain or account.name}")


def _owner_capacity(owner: User) -> int | None:
    """An account owner's cap is the tightest of their round-robin memberships (none: no cap)."""
    capacities = RoutingMember.objects.filter(
        user=owner, rule__is_active=True, capacity__isnull=False
    ).values_list("capacity", flat=True)
    return min(capacities, default=None)


def _round_robin(rule: RoutingRule, at: dt.datetime, passing_over, turns: "Turns"):
    """The available member whose turn it is (see `next_in_turn`)."""
    members = [m for m in turns.members(rule) if m.user != passing_over]
    capped = [m.user_id for m in members if m.capacity is not None]
    open_counts = turns.open_counts(capped) if capped else {}  # only a capacity cap needs them
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


class Turns:
    """Where a choice reads the rules' members and the reps' open handoffs, for one lead: each
    rule's members are locked and read as the rule is tried (module doc)."""

    def members(self, rule: RoutingRule) -> list[RoutingMember]:
        locked = rule.members.select_for_update(of=("self",)).select_related("user")
        return list(locked.order_by("id"))

    def lock_rule(self, rule: RoutingRule) -> None:
        list(RoutingRule.objects.select_for_update().filter(pk=rule.pk).values_list("pk"))

    def open_counts(self, user_ids: list[int]) -> dict[int, int]:
        return _open_counts(user_ids)

    def owner_capacity(self, owner: User) -> int | None:
        return _owner_capacity(owner)

    def took(self, choice: Choice) -> None:
        """Count the lead in the member's round robin."""
        if choice.member is not None:
            RoutingMember.objects.filter(pk=choice.member.pk).update(
                assigned_count=F("assigned_count") + 1
            )


class BatchTurns(Turns):
    """The turns of a batch of leads: every active rule's members locked and read at once (in
    the order one lead locks them: rules by position, members by id), with the account-owner
    rules and the open handoffs of the capped reps and the owners; the leads handed out are
    counted in memory and `save` writes the members' new turns."""

    def __init__(self, rules: list[RoutingRule], owner_ids: list[int]):
        self._members: dict[int, list[RoutingMember]] = {rule.pk: [] for rule in rules}
        locked = (
            RoutingMember.objects.select_for_update(of=("self",))
            .filter(rule__in=rules)
            .select_related("user")
            .order_by("rule__position", "rule_id", "id")
        )
        for member in locked:
            self._members[member.rule_id].append(member)
        owner_rules = [r.pk for r in rules if r.kind == RoutingRule.Kind.ACCOUNT_OWNER]
        if owner_rules and owner_ids:
            RoutingRule.objects.select_for_update().filter(pk__in=owner_rules).exists()
        capacities: dict[int, int] = {}
        for members in self._members.values():
            for m in members:
                if m.capacity is not None:
                    capacities[m.user_id] = min(m.capacity, capacities.get(m.user_id, m.capacity))
        self._capacity = capacities
        self._open = _open_counts(sorted(set(capacities) | set(owner_ids)))
        self._taken: dict[int, RoutingMember] = {}

    def members(self, rule: RoutingRule) -> list[RoutingMember]:
        return self._members.get(rule.pk, [])

    def lock_rule(self, rule: RoutingRule) -> None:
        """Locked with the members."""

    def open_counts(self, user_ids: list[int]) -> dict[int, int]:
        return {pk: self._open.get(pk, 0) for pk in user_ids}

    def owner_capacity(self, owner: User) -> int | None:
        return self._capacity.get(owner.pk)

    def took(self, choice: Choice) -> None:
        self._open[choice.user.pk] = self._open.get(choice.user.pk, 0) + 1
        if choice.member is not None:
            choice.member.assigned_count += 1
            self._taken[choice.member.pk] = choice.member

    def save(self) -> None:
        RoutingMember.objects.bulk_update(list(self._taken.values()), ["assigned_count"])


def _open_counts(user_ids: list[int]) -> dict[int, int]:
    rows = (
        Handoff.objects.filter(assigned_to_id__in=user_ids, status__in=Handoff.OPEN)
        .values("assigned_to_id")
        .annotate(n=Count("id"))
    )
    return {row["assigned_to_id"]: row["n"] for row in rows}
