"""Reads of the shared database that pages, API and CLI share."""

from dataclasses import asdict, dataclass, field

from django.db.models import Count, F, Q, QuerySet

from accord.crm.access import accounts_for, opportunities_for, people_for
from accord.crm.models import Account, LifecycleStage, Opportunity, Person, PipelineStage
from accord.touchpoints.models import Campaign, Touchpoint


@dataclass(frozen=True)
class DatabaseStats:
    accounts: int
    people: int
    people_by_stage: dict[str, int]
    opportunities: int
    opportunities_by_stage: dict[str, int]
    opportunities_won: int
    opportunities_lost: int
    opportunities_open: int
    campaigns: int
    touchpoints: int
    # Records a CRM deleted or merged away, kept with their history and counted apart.
    archived: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


LIVE, ARCHIVED = Q(archived_at__isnull=True), Q(archived_at__isnull=False)


def _live_and_archived(model, group: str) -> tuple[dict[str, int], int]:
    """Live records per value of `group`, and how many are archived, in one query."""
    rows = (
        model.objects.order_by()
        .values_list(group)
        .annotate(live=Count("id", filter=LIVE), archived=Count("id", filter=ARCHIVED))
    )
    counts = {value: (live, archived) for value, live, archived in rows}
    return {k: live for k, (live, _) in counts.items()}, sum(a for _, a in counts.values())


def get_database_stats() -> DatabaseStats:
    """The shared numbers: what both teams see on the home page and in `accord stats`. Accounts,
    people and opportunities are the live ones; those archived are counted in `archived`."""
    by_stage, people_archived = _live_and_archived(Person, "lifecycle_stage")
    people_by_stage = {stage: by_stage.get(stage, 0) for stage in LifecycleStage.values}
    opp_rows, opportunities_archived = _live_and_archived(Opportunity, "stage")
    opportunities_by_stage = {stage: opp_rows.get(stage, 0) for stage in PipelineStage.values}
    won = opportunities_by_stage[PipelineStage.CLOSED_WON]
    lost = opportunities_by_stage[PipelineStage.CLOSED_LOST]
    total_opps = sum(opportunities_by_stage.values())
    accounts = Account.objects.aggregate(
        live=Count("id", filter=LIVE), archived=Count("id", filter=ARCHIVED)
    )
    return DatabaseStats(
        accounts=accounts["live"],
        people=sum(people_by_stage.values()),
        people_by_stage=people_by_stage,
        opportunities=total_opps,
        opportunities_by_stage=opportunities_by_stage,
        opportunities_won=won,
        opportunities_lost=lost,
        opportunities_open=total_opps - won - lost,
        campaigns=Campaign.objects.count(),
        touchpoints=Touchpoint.objects.count(),
        archived={
            "accounts": accounts["archived"],
            "people": people_archived,
            "opportunities": opportunities_archived,
        },
    )


# --- the lists ----------------------------------------------------------------------------------

PAGE_SIZE = 50
UNASSIGNED = "none"  # the owner filter's value for the unassigned pool
COUNT_CAP = 10_000  # lists and the search count matches up to this many, then say "more than"


@dataclass(frozen=True)
class ListQuery:
    """What a list page asks for: a text to find, a sort key (`-key` for descending) among the
    list's `SORTS`, and filters by field (empty means any; `owner` may be `UNASSIGNED`)."""

    text: str = ""
    sort: str = ""
    filters: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ListPage:
    """A page of a list. `count` is exact up to `COUNT_CAP`; past it `more` says there are more
    (and `pages` is None): counting a million people took longer than the page may."""

    rows: list
    count: int
    page: int
    pages: int | None
    more: bool = False
    has_next: bool = False

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.rows)


def count_up_to_cap(queryset: QuerySet) -> tuple[int, bool]:
    """How many rows match, and whether more than `COUNT_CAP` do (then the count is the cap)."""
    count = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    return min(count, COUNT_CAP), count > COUNT_CAP


def page_of(queryset: QuerySet, page: int) -> ListPage:
    """One page of fifty and how many match, in three queries whatever the page size: the count
    (up to the cap), the page's ids in the list's order, then those rows with what they join.
    Picking the ids on the table alone lets an index on the sort column answer it instead of
    joining every row first. A page past the last (of a counted list) shows the last."""
    count, more = count_up_to_cap(queryset)
    pages = None if more else max(1, -(-count // PAGE_SIZE))
    page = max(page, 1) if pages is None else min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    ids = list(queryset.values_list("pk", flat=True)[start : start + PAGE_SIZE + 1])
    rows = {row.pk: row for row in queryset.filter(pk__in=ids[:PAGE_SIZE])}
    return ListPage(
        [rows[pk] for pk in ids[:PAGE_SIZE]],
        count,
        page,
        pages,
        more=more,
        has_next=len(ids) > PAGE_SIZE,
    )


def matching(queryset: QuerySet, text: str, fields: tuple[str, ...]) -> QuerySet:
    """Rows where any of `fields` contains `text`, whatever its case. On PostgreSQL a trigram
    index on each field (UPPER(field) gin_trgm_ops) answers this without reading every row."""
    if not text:
        return queryset
    found = Q()
    for name in fields:
        found |= Q(**{f"{name}__icontains": text})
    return queryset.filter(found)


def ordered(queryset: QuerySet, sorts: dict[str, tuple[str, ...]], sort: str) -> QuerySet:
    """Ordered by one of `sorts` (`-key` descending; empty values last either way, on every
    database), the id last so pages never overlap. A column that is never empty is ordered
    plainly, so that an index on it (read backwards for descending) answers the order."""
    descending = sort.startswith("-")
    order = []
    for column in sorts[sort.lstrip("-")]:
        nulls = {"nulls_last": True} if _may_be_empty(queryset.model, column) else {}
        order.append(F(column).desc(**nulls) if descending else F(column).asc(**nulls))
    return queryset.order_by(*order, "-id" if descending else "id")


def _may_be_empty(model, path: str) -> bool:
    """Whether a column reached by `path` (`account__name`) may be NULL in a row: it is
    nullable, or an optional relation on the way leaves it so."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.null:
            return True
        model = field.related_model
    return False


def filter_by(queryset: QuerySet, filters: dict) -> QuerySet:
    for name, value in filters.items():
        if value in ("", None):
            continue
        if name == "owner" and value == UNASSIGNED:
            queryset = queryset.filter(owner__isnull=True)
        else:
            queryset = queryset.filter(**{name: value})
    return queryset


PEOPLE_SORTS = {
    "name": ("last_name", "first_name"),
    "email": ("email",),
    "account": ("account__name",),
    "stage": ("lifecycle_stage",),
    "owner": ("owner__full_name",),
    "created": ("created_at",),
}
PEOPLE_FILTERS = ("lifecycle_stage", "owner")
PEOPLE_TEXT = ("email", "first_name", "last_name")


def filter_people(user, query: ListQuery) -> QuerySet[Person]:
    """The people this user may read that match the query, in its order (newest first)."""

    people = people_for(user).select_related("account", "owner")
    people = filter_by(matching(people, query.text, PEOPLE_TEXT), query.filters)
    return ordered(people, PEOPLE_SORTS, query.sort or "-created")


ACCOUNT_SORTS = {
    "name": ("name",),
    "domain": ("domain",),
    "industry": ("industry",),
    "region": ("region",),
    "employees": ("employee_count",),
    "owner": ("owner__full_name",),
    "created": ("created_at",),
}
ACCOUNT_FILTERS = ("industry", "region", "owner")
ACCOUNT_TEXT = ("name", "domain")


def filter_accounts(user, query: ListQuery) -> QuerySet[Account]:

    accounts = accounts_for(user).select_related("owner")
    accounts = filter_by(matching(accounts, query.text, ACCOUNT_TEXT), query.filters)
    return ordered(accounts, ACCOUNT_SORTS, query.sort or "name")


def industries_and_regions_of(user) -> tuple[list[str], list[str]]:
    """The industries and the regions of the accounts this user may read, for the list's
    filters: one pass over the accounts for both."""

    pairs = accounts_for(user).values_list("industry", "region").distinct().order_by()
    industries, regions = set(), set()
    for industry, region in pairs:
        industries.add(industry)
        regions.add(region)
    return sorted(industries - {""}), sorted(regions - {""})


DEAL_SORTS = {
    "name": ("name",),
    "account": ("account__name",),
    "amount": ("amount",),
    "stage": ("stage",),
    "owner": ("owner__full_name",),
    "created": ("created_date",),
    "close": ("close_date",),
}
DEAL_FILTERS = ("stage", "owner")


def _deals_matching(deals: QuerySet[Opportunity], text: str) -> QuerySet[Opportunity]:
    """Deals whose name, or whose account's name, holds `text`. The accounts are matched
    apart, by their own trigram index: one condition across both tables read every deal with
    its account (0.6 s a query on the large demo's 100,000 deals)."""
    if not text:
        return deals
    accounts = matching(Account.objects.all(), text, ("name",)).values("pk")
    return deals.filter(Q(name__icontains=text) | Q(account_id__in=accounts))


def filter_opportunities(user, query: ListQuery) -> QuerySet[Opportunity]:

    deals = opportunities_for(user).select_related("account", "primary_contact", "owner")
    deals = filter_by(_deals_matching(deals, query.text), query.filters)
    return ordered(deals, DEAL_SORTS, query.sort or "-created")


# --- the search in the header -------------------------------------------------------------------

FOUND = 10  # rows of each kind the search shows; the list holds them all


@dataclass(frozen=True)
class Found:
    """Records of one kind matching a search: the first `FOUND` and how many in all (up to
    `COUNT_CAP`; `more` when past it)."""

    rows: list
    count: int
    more: bool = False


def found(records: QuerySet, text: str, fields: tuple[str, ...], order: str) -> Found:
    """The records matching `text` as their list matches it, in the list's `order`."""
    matches = matching(records, text, fields)
    count, more = count_up_to_cap(matches)
    return Found(list(matches.order_by(order, "id")[:FOUND]), count, more)


def find_people(user, text: str) -> Found:

    people = people_for(user).select_related("account")
    return found(people, text, PEOPLE_TEXT, "last_name")


def find_accounts(user, text: str) -> Found:

    return found(accounts_for(user), text, ACCOUNT_TEXT, "name")


def find_opportunities(user, text: str) -> Found:

    deals = _deals_matching(opportunities_for(user).select_related("account"), text)
    count, more = count_up_to_cap(deals)
    return Found(list(deals.order_by("name", "id")[:FOUND]), count, more)
