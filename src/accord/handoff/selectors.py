"""Reads the inbox pages, the API and the SLA reports share."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from accord.agreement.selectors import get_agreement_in_force
from accord.crm.models import Account, LifecycleChange, LifecycleStage, Person
from accord.crm.selectors import count_up_to_cap, matching, ordered
from accord.handoff import access as handoff_access
from accord.handoff.models import Handoff, RejectReason, SlaClock, next_due
from accord.handoff.terms import SlaTerms
from accord.periods import day_start
from accord.scoring import Contribution
from accord.teams import access
from accord.teams.models import Team, User
from accord.teams.selectors import get_working_calendar
from accord.touchpoints.models import Campaign, Touchpoint


def handoffs_for(user: User) -> QuerySet[Handoff]:
    """The handoffs a user may see, open or closed: a rep's own, a sales head's whole team,
    an admin's everything; nobody else's."""
    handoffs = Handoff.objects.select_related(
        "person", "person__account", "person__lead_score__version", "assigned_to", "team", "rule"
    )
    return handoffs.filter(handoff_access.inbox_scope(user))


def open_handoffs_for(user: User) -> QuerySet[Handoff]:
    """A rep's own open handoffs; a head's whole team; an admin's everything. A lead the CRM
    deleted (archived in Accord) waits in nobody's inbox. The few archived people are left out
    by their own index rather than by joining every open lead's person: the join read a
    team's 68,000 people to count its inbox (0.7 s on the large demo)."""
    archived = Person.objects.filter(pk=OuterRef("person_id"), archived_at__isnull=False)
    return handoffs_for(user).filter(~Exists(archived), status__in=Handoff.OPEN)


def access_handoff(user: User, pk: int) -> Handoff:
    """A handoff the user may see; any other (another rep's lead) is reported missing."""
    try:
        return handoffs_for(user).get(pk=pk)
    except Handoff.DoesNotExist:
        raise Http404(f"No handoff with id {pk}") from None


def open_or_closed_handoffs(user: User, ids: list[int]) -> list[Handoff]:
    """The handoffs of these ids the user may see, in the order given (a bulk action's)."""
    found = handoffs_for(user).in_bulk(ids)
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


def lead_touches(person_id: int, limit: int) -> list[Touchpoint]:
    """A lead's latest touches, with their campaigns."""
    touches = Touchpoint.objects.filter(person_id=person_id).select_related("campaign")
    return list(touches.order_by("-occurred_at", "-id")[:limit])


def team_reps(user: User) -> list[User]:
    """The active reps of a sales head's team, to filter the inbox by and reassign to."""
    return list(access.team_reps_for(user).order_by("full_name"))


def terms_in_force() -> SlaTerms | None:
    """Sales' SLA as the agreement in force states it. A rejected lead goes back to nurture,
    except where the agreement's disqualifiers rule it out: a competitor (when the agreement
    lists competitors), an existing customer (when it excludes them), and a duplicate."""
    version = get_agreement_in_force()
    if version is None:
        return None
    doc = version.document
    disqualified = [RejectReason.DUPLICATE]
    if doc.disqualifiers.competitor_domains:
        disqualified.append(RejectReason.COMPETITOR)
    if doc.disqualifiers.existing_customers:
        disqualified.append(RejectReason.ALREADY_CUSTOMER)
    return SlaTerms(
        first_touch_hours=doc.sla.first_touch_working_hours,
        decision_days=doc.sla.accept_within_working_days,
        recycle_to={reason.value: LifecycleStage.DISQUALIFIED for reason in disqualified},
        recycle_after_days=doc.sla.recycle.after_days,
        agreement_version=version.number,
    )


DUE_SOON_HOURS = 2  # a running clock with less working time left than this is "due soon"


class Clock(models.TextChoices):
    """Where a lead's next clock stands: the first touch while it is not done, then the
    decision; an accepted lead has none running."""

    RUNNING = "running", "Running"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


@dataclass(frozen=True)
class InboxItem:
    """One lead in an inbox with its clocks: working time left (negative when overdue), None
    once that clock has stopped."""

    handoff: Handoff
    first_touch_left: dt.timedelta | None
    decision_left: dt.timedelta | None

    @property
    def is_overdue(self) -> bool:
        return any(left is not None and left < dt.timedelta(0) for left in self._clocks)

    @property
    def first_touch_hours_left(self) -> float | None:
        return _hours(self.first_touch_left)

    @property
    def decision_hours_left(self) -> float | None:
        return _hours(self.decision_left)

    @property
    def first_touch_overdue(self) -> bool:
        return self.first_touch_left is not None and self.first_touch_left < dt.timedelta(0)

    @property
    def decision_overdue(self) -> bool:
        return self.decision_left is not None and self.decision_left < dt.timedelta(0)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.handoff.team.time_zone)

    @property
    def first_touch_due_local(self) -> dt.datetime:
        return self.handoff.first_touch_due_at.astimezone(self.zone)

    @property
    def decision_due_local(self) -> dt.datetime:
        return self.handoff.decision_due_at.astimezone(self.zone)

    @property
    def captured_local(self) -> dt.datetime | None:
        """When the capture that made the lead an MQL arrived (none: routed another way)."""
        captured = self.handoff.captured_at
        return captured.astimezone(self.zone) if captured is not None else None

    @property
    def handed_off_local(self) -> dt.datetime:
        return self.handoff.handed_off_at.astimezone(self.zone)

    @property
    def score(self):
        """The lead's score under the agreement, or None when it was never scored."""
        return getattr(self.handoff.person, "lead_score", None)

    @property
    def explanation(self) -> list[Contribution]:
        """Why the lead qualified: each rule of the agreement and the points it gave."""
        return self.score.explanation if self.score else []

    @property
    def clock_label(self) -> str | None:
        """The clock the lead is on: the first touch until it is done, then the decision."""
        if self.first_touch_left is not None:
            return "First touch"
        return "Decision" if self.decision_left is not None else None

    @property
    def clock_hours_left(self) -> float | None:
        if self.first_touch_left is not None:
            return self.first_touch_hours_left
        return self.decision_hours_left

    @property
    def clock_due_local(self) -> dt.datetime | None:
        if self.first_touch_left is not None:
            return self.first_touch_due_local
        return self.decision_due_local if self.decision_left is not None else None

    @property
    def clock_state(self) -> str | None:
        """Overdue, due soon or running, as the inbox's clock filter says; None with no clock."""
        left = self.clock_hours_left
        if left is None:
            return None
        if left < 0:
            return Clock.OVERDUE
        return Clock.DUE_SOON if left < DUE_SOON_HOURS else Clock.RUNNING

    @property
    def _clocks(self):
        return (self.first_touch_left, self.decision_left)


def _hours(left: dt.timedelta | None) -> float | None:
    return None if left is None else round(left.total_seconds() / 3600, 2)


class Waiting(models.TextChoices):
    """An open lead's status, as the inbox filters it."""

    ASSIGNED = "assigned", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"


INBOX_SORTS = {
    "clock": ("next_due",),
    "name": ("person__last_name", "person__first_name", "person__email"),
    "company": ("person__account__name",),
    "grade": ("person__lead_score__fit_grade",),
    "score": ("person__lead_score__total",),
    "status": ("status",),
    "rep": ("assigned_to__full_name",),
}
INBOX_PEOPLE_TEXT = ("email", "first_name", "last_name")  # a lead found by these, or by
INBOX_ACCOUNT_TEXT = ("name",)  # their company's name


@dataclass(frozen=True)
class InboxQuery:
    """What the inbox is narrowed to: a text found in the lead's name, e-mail or company; its
    status, fit grade, clock, a campaign that touched it, its rep (a head's); and a sort among
    `INBOX_SORTS` (`-key` the other way; empty is urgency: the clock closest to breach first)."""

    text: str = ""
    status: str = ""
    grade: str = ""
    clock: str = ""
    campaign_id: int | None = None
    rep_id: int | None = None
    sort: str = ""


def _clock_states(user: User, now: dt.datetime) -> dict[str, Q]:
    """Each clock state as a filter on `next_due`. "Due soon" is less than `DUE_SOON_HOURS` of
    working time left, measured in each team's own hours (two hours on Friday evening may end
    on Monday morning)."""
    soon = Q(pk__in=[])
    for team in _teams_in_view(user):
        limit = get_working_calendar(team).add_hours(now, DUE_SOON_HOURS)
        soon |= Q(team_id=team.pk, next_due__lt=limit)
    return {
        Clock.OVERDUE: Q(next_due__lt=now),
        Clock.DUE_SOON: Q(next_due__gte=now) & soon,
        Clock.RUNNING: Q(next_due__gte=now) & ~soon,
    }


def _teams_in_view(user: User) -> list[Team]:
    if user.is_admin:
        return list(Team.objects.filter(handoffs__status__in=Handoff.OPEN).distinct())
    return [user.team] if user.team_id else []


def _found(handoffs: QuerySet[Handoff], text: str) -> QuerySet[Handoff]:
    """The leads whose name or e-mail, or whose company's name, holds `text`. The people and
    the accounts are matched apart, each by its own trigram indexes on PostgreSQL: one
    condition across the joined tables was answered by reading every lead's person and
    account, seconds a query for a large team's leads."""
    if not text:
        return handoffs
    people = matching(Person.objects.all(), text, INBOX_PEOPLE_TEXT).values("pk")
    accounts = matching(Account.objects.all(), text, INBOX_ACCOUNT_TEXT).values("pk")
    at_accounts = Person.objects.filter(account_id__in=accounts).values("pk")
    return handoffs.filter(Q(person_id__in=people) | Q(person_id__in=at_accounts))


def inbox_handoffs(
    user: User,
    query: InboxQuery | None = None,
    *,
    rep_id: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Handoff]:
    """The open leads `user` sees, narrowed and sorted as `query` asks (a head may narrow them
    to one rep; `rep_id` is short for that). By default the most urgent first: the clock closest
    to breach (overdue ones first), then the leads with no clock running, latest first."""
    query = query or InboxQuery(rep_id=rep_id)
    now = now or timezone.now()
    handoffs = open_handoffs_for(user).annotate(next_due=next_due())
    handoffs = _found(handoffs, query.text)
    if query.rep_id is not None:
        handoffs = handoffs.filter(assigned_to_id=query.rep_id)
    if query.status:
        handoffs = handoffs.filter(status=query.status)
    if query.grade:
        handoffs = handoffs.filter(person__lead_score__fit_grade=query.grade)
    if query.clock:
        handoffs = handoffs.filter(_clock_states(user, now)[query.clock])
    if query.campaign_id is not None:
        touched = Touchpoint.objects.filter(
            person=OuterRef("person_id"), campaign_id=query.campaign_id
        )
        handoffs = handoffs.filter(Exists(touched))
    if query.sort:
        return ordered(handoffs, INBOX_SORTS, query.sort)
    return handoffs.order_by(
        F("next_due").asc(nulls_last=True), F("handed_off_at").desc(), F("id").desc()
    )


@dataclass(frozen=True)
class InboxCounts:
    """How many leads the inbox holds as narrowed, by status and by clock."""

    total: int
    waiting: int
    accepted: int
    overdue: int
    due_soon: int


def inbox_counts(user: User, handoffs: QuerySet[Handoff], *, now=None) -> InboxCounts:
    """The counts of `inbox_handoffs` in one query."""
    states = _clock_states(user, now or timezone.now())
    counts = handoffs.order_by().aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(status=Handoff.Status.ASSIGNED)),
        overdue=Count("pk", filter=states[Clock.OVERDUE]),
        due_soon=Count("pk", filter=states[Clock.DUE_SOON]),
    )
    return InboxCounts(accepted=counts["total"] - counts["waiting"], **counts)


def campaigns_to_filter_by() -> list[tuple[int, str]]:
    return list(Campaign.objects.order_by("name").values_list("pk", "name"))


def inbox_page(handoffs: QuerySet[Handoff], ids, *, explained: bool = False) -> list[Handoff]:
    """The handoffs of these ids (a page of `handoffs`, picked by its ids alone), in their
    order, with what the inbox shows of each. Only the page's rows are joined to their person,
    score and team: joining every open lead before sorting took a second for a team holding
    68,000 accepted leads (the large demo). A page's row shows the score, not why: unless
    `explained` (the API answers why), the agreement's document that explains it is left
    unread (parsing it for each of fifty rows took a fifth of the page)."""
    ids = list(ids)
    page = handoffs.filter(pk__in=ids)
    if not explained:
        page = page.defer("person__lead_score__version__document_data")
    rows = {handoff.pk: handoff for handoff in page}
    return [rows[pk] for pk in ids]


def inbox_item(handoff: Handoff, *, now: dt.datetime | None = None) -> InboxItem:
    """One lead with its clocks, as the inbox shows it (open or just closed)."""
    return inbox_items([handoff], now=now)[0]


def inbox_items(handoffs, *, now: dt.datetime | None = None) -> list[InboxItem]:
    """These handoffs (a page of the inbox) with working time left on each clock."""
    now = now or timezone.now()
    calendars = {}
    items = []
    for handoff in handoffs:
        if handoff.team_id not in calendars:
            calendars[handoff.team_id] = get_working_calendar(handoff.team)
        calendar = calendars[handoff.team_id]
        first_touch = None
        if handoff.first_touched_at is None and handoff.is_open:
            first_touch = calendar.between(now, handoff.first_touch_due_at)
        decision = None
        if handoff.decided_at is None and handoff.is_open:
            decision = calendar.between(now, handoff.decision_due_at)
        items.append(InboxItem(handoff, first_touch, decision))
    return items


@dataclass(frozen=True)
class MqlDelivery:
    """Marketing's side of the SLA for one month: MQLs delivered against the commitment."""

    month: dt.date
    delivered: int
    commitment: int

    @property
    def met(self) -> bool:
        return self.delivered >= self.commitment

    @property
    def shortfall(self) -> int:
        return max(self.commitment - self.delivered, 0)


def mqls_delivered(month: dt.date, commitment: int, *, time_zone: str = "UTC") -> MqlDelivery:
    """People who became an MQL in the calendar month of `month` (in `time_zone`), each counted
    once even if recycled and requalified within the month."""
    if commitment < 0:
        raise ValueError("A monthly MQL commitment cannot be negative")
    zone = ZoneInfo(time_zone)
    first = month.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(after, dt.time(), tzinfo=zone)
    delivered = (
        LifecycleChange.objects.filter(
            to_stage=LifecycleStage.MQL, changed_at__gte=start, changed_at__lt=end
        )
        .values("person_id")
        .distinct()
        .count()
    )
    return MqlDelivery(first, delivered, commitment)


def mqls_delivered_by_month(months: list[dt.date]) -> dict[dt.date, int]:
    """`mqls_delivered` (in UTC) of each of these months, in one pass of the lifecycle history:
    month by month it took a second for a year of the large demo."""
    if not months:
        return {}
    first = months[0].replace(day=1)
    after = (months[-1].replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    rows = (
        LifecycleChange.objects.filter(
            to_stage=LifecycleStage.MQL,
            changed_at__gte=day_start(first),
            changed_at__lt=day_start(after),
        )
        .annotate(month=TruncMonth("changed_at", tzinfo=dt.UTC))
        .values("month")
        .annotate(people=Count("person_id", distinct=True))
    )
    return {row["month"].date(): row["people"] for row in rows}


def pool_mqls() -> QuerySet[Person]:
    """MQLs no rep holds, longest waiting first. Only a capture (or a touch batch) routes the
    MQLs it makes; a rescore under a new agreement, an import or a change by hand leaves them
    here, and so does routing that found no rep available."""
    held = Handoff.objects.filter(person=OuterRef("pk"), status__in=Handoff.OPEN)
    qualified = (
        LifecycleChange.objects.filter(person=OuterRef("pk"), to_stage=LifecycleStage.MQL)
        .order_by("-changed_at", "-id")
        .values("changed_at")[:1]
    )
    return (
        Person.objects.filter(lifecycle_stage=LifecycleStage.MQL, archived_at__isnull=True)
        .exclude(Exists(held))
        .annotate(qualified_at=Subquery(qualified))
        .order_by(F("qualified_at").asc(nulls_first=True), "id")
    )


def count_pool() -> tuple[int, bool]:
    """How many MQLs wait in the pool, up to `COUNT_CAP`, and whether more do: counting every
    one of a pool of 50,000 took a quarter of the inbox's time (large demo)."""
    return count_up_to_cap(pool_mqls())


def count_breaches() -> dict[SlaClock, int]:
    """Missed SLA clocks ever marked, by clock (first touch, decision), for /metrics."""
    totals = Handoff.objects.aggregate(
        first_touch=Count("pk", filter=Q(first_touch_breached_at__isnull=False)),
        decision=Count("pk", filter=Q(decision_breached_at__isnull=False)),
    )
    return {clock: totals[clock] for clock in SlaClock}
