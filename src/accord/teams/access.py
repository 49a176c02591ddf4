"""Who may read and change which record: the one place for record access rules.

Rows (read and change alike):
- a rep: the people, accounts and opportunities they own, plus the unassigned pool;
- the sales head: everything owned by a member of the sales team, plus the pool;
- marketers and the marketing head: all people, accounts and opportunities;
- admins: everything.
Campaigns are visible to everyone; a touchpoint is visible with its person.

Fields: `WRITABLE` lists, per record and action, the fields each audience may send. Marketers
change marketing fields only: never an owner, never an opportunity. Campaigns are Marketing's.
Owners: a rep may take a record for themselves or release it to the pool; the sales head assigns
within the sales team; an admin assigns to any active user.

A record out of scope is reported as missing (404), never as forbidden, so ids reveal nothing.
"""

from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404

from accord.crm.models import Account, Opportunity, Person
from accord.teams.models import Team, User
from accord.touchpoints.models import Campaign, Touchpoint


class Audience(StrEnum):
    REP = "rep"
    SALES_HEAD = "sales head"
    MARKETING = "marketing"
    ADMIN = "admin"


def audience_of(user: User) -> Audience:
    if user.is_admin:
        return Audience.ADMIN
    if user.role == User.Role.MARKETER:
        return Audience.MARKETING
    if user.is_head and user.team_kind == Team.Kind.MARKETING:
        return Audience.MARKETING
    if user.is_head and user.team_kind == Team.Kind.SALES:
        return Audience.SALES_HEAD
    return Audience.REP


class AccessDenied(Exception):
    """The user sent fields (or a value) their role may not write; `errors` names each one."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in errors))


class UnknownReference(Exception):
    """A field points at a record that does not exist or that the user cannot see."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


# --- rows ---------------------------------------------------------------------------------


def _owned_scope(user: User) -> Q | None:
    """The filter on `owner` for sales-side rows; None means every row."""
    audience = audience_of(user)
    if audience in (Audience.ADMIN, Audience.MARKETING):
        return None
    pool = Q(owner__isnull=True)
    if audience == Audience.SALES_HEAD:
        return Q(owner__team_id=user.team_id) | pool
    return Q(owner=user) | pool


def _scoped(queryset: QuerySet, user: User) -> QuerySet:
    scope = _owned_scope(user)
    return queryset if scope is None else queryset.filter(scope)


def people_for(user: User) -> QuerySet[Person]:
    return _scoped(Person.objects.all(), user)


def accounts_for(user: User) -> QuerySet[Account]:
    return _scoped(Account.objects.all(), user)


def opportunities_for(user: User) -> QuerySet[Opportunity]:
    return _scoped(Opportunity.objects.all(), user)


def campaigns_for(user: User) -> QuerySet[Campaign]:
    return Campaign.objects.all()


def touchpoints_for(user: User) -> QuerySet[Touchpoint]:
    scope = _owned_scope(user)
    touchpoints = Touchpoint.objects.all()
    if scope is None:
        return touchpoints
    return touchpoints.filter(person__in=people_for(user).values("pk"))


def may_see_pay_of(viewer: User, person: User) -> bool:
    """Reward payouts: everyone sees their own, a head their team's, an admin everybody's."""
    if viewer.is_admin or viewer.pk == person.pk:
        return True
    return viewer.is_head and viewer.team_id is not None and viewer.team_id == person.team_id


def _access(queryset: QuerySet, pk: int):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404(f"No {queryset.model._meta.verbose_name} with id {pk}") from None


def access_person(user: User, pk: int) -> Person:
    return _access(people_for(user), pk)


def access_account(user: User, pk: int) -> Account:
    return _access(accounts_for(user), pk)


def access_opportunity(user: User, pk: int) -> Opportunity:
    return _access(opportunities_for(user), pk)


def access_campaign(user: User, pk: int) -> Campaign:
    return _access(campaigns_for(user), pk)


def access_touchpoint(user: User, pk: int) -> Touchpoint:
    return _access(touchpoints_for(user), pk)


# --- fields -------------------------------------------------------------------------------

PERSON_FIELDS = frozenset(
    {
        "email",
        "first_name",
        "last_name",
        "title",
        "seniority",
        "is_decision_maker",
        "phone",
        "account_id",
        "lifecycle_stage",
        "lead_status",
        "original_source",
    }
)
ACCOUNT_FIELDS = frozenset({"name", "domain", "industry", "employee_count", "region"})
OPPORTUNITY_FIELDS = frozenset(
    {
        "name",
        "account_id",
        "primary_contact_id",
        "amount",
        "currency",
        "stage",
        "created_date",
        "close_date",
        "lost_reason",
        "owner_id",
    }
)
CAMPAIGN_FIELDS = frozenset(
    {
        "name",
        "channel",
        "kind",
        "start_date",
        "end_date",
        "cost",
        "currency",
        "owner_team_id",
        "status",
        "utm_campaign",
        "advantage",
    }
)
TOUCHPOINT_FIELDS = frozenset(
    {
        "campaign_id",
        "channel",
        "kind",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "referrer",
        "page",
        "occurred_at",
    }
)
NOTHING: frozenset[str] = frozenset()


def _by_audience(sales: frozenset[str], marketing: frozenset[str]) -> dict:
    admin = sales | marketing
    return {
        Audience.REP: sales,
        Audience.SALES_HEAD: sales,
        Audience.MARKETING: marketing,
        Audience.ADMIN: admin,
    }


WRITABLE: dict[tuple[str, str], dict[Audience, frozenset[str]]] = {
    ("person", "create"): _by_audience(PERSON_FIELDS | {"owner_id"}, PERSON_FIELDS),
    ("person", "update"): _by_audience(PERSON_FIELDS | {"owner_id"}, PERSON_FIELDS),
    ("account", "create"): _by_audience(ACCOUNT_FIELDS | {"owner_id"}, ACCOUNT_FIELDS),
    ("account", "update"): _by_audience(ACCOUNT_FIELDS | {"owner_id"}, ACCOUNT_FIELDS),
    ("opportunity", "create"): _by_audience(OPPORTUNITY_FIELDS, NOTHING),
    ("opportunity", "update"): _by_audience(OPPORTUNITY_FIELDS, NOTHING),
    ("campaign", "create"): _by_audience(NOTHING, CAMPAIGN_FIELDS),
    ("campaign", "update"): _by_audience(NOTHING, CAMPAIGN_FIELDS),
    ("touchpoint", "create"): _by_audience(
        TOUCHPOINT_FIELDS | {"person_id"}, TOUCHPOINT_FIELDS | {"person_id"}
    ),
    ("touchpoint", "update"): _by_audience(TOUCHPOINT_FIELDS, TOUCHPOINT_FIELDS),
}

_NOUNS = {
    Audience.REP: "a sales rep",
    Audience.SALES_HEAD: "the sales head",
    Audience.MARKETING: "marketing",
    Audience.ADMIN: "an admin",
}


def check_writable(user: User, record: str, action: str, fields) -> None:
    """Refuse (403) every field of `fields` the user's role may not send for this action."""
    audience = audience_of(user)
    allowed = WRITABLE[(record, action)][audience]
    refused = [field for field in fields if field not in allowed]
    if refused:
        article = "an" if record[0] in "aeiou" else "a"
        reason = f"{_NOUNS[audience]} may not {action} this field of {article} {record}"
        if not allowed:
            reason = f"{_NOUNS[audience]} may not {action} {article} {record}"
        raise AccessDenied([(field, reason) for field in refused])


def check_owner(user: User, owner_id: int | None) -> User | None:
    """The user a record may be given to by `user`: themselves or the pool for a rep, anyone
    in the sales team for the sales head, any active user for an admin."""
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise UnknownReference("owner_id", f"No active user with id {owner_id}")
    audience = audience_of(user)
    if audience == Audience.REP and owner.pk != user.pk:
        raise AccessDenied(
            [("owner_id", "A rep may only take a record for themselves or leave it unassigned")]
        )
    if audience == Audience.SALES_HEAD and owner.team_id != user.team_id:
        raise AccessDenied([("owner_id", "The sales head assigns records within the sales team")])
    return owner


def _check_team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise UnknownReference("owner_team_id", f"No team with id {team_id}")
    return team


_REFERENCES = {
    "account_id": ("account", access_account),
    "primary_contact_id": ("primary_contact", access_person),
    "person_id": ("person", access_person),
    "campaign_id": ("campaign", access_campaign),
}


def _resolve(user: User, field: str, pk: int | None):
    _, access = _REFERENCES[field]
    if pk is None:
        return None
    try:
        return access(user, pk)
    except Http404 as exc:
        raise UnknownReference(field, str(exc)) from None


def check_changes(user: User, record: str, action: str, data: dict) -> dict:
    """The model-field changes a request may make: field rules checked, ids turned into the
    records they name (only records the user can see), owners checked.

    A rep's new person, account or opportunity is theirs unless they say otherwise."""
    check_writable(user, record, action, data)
    changes = {}
    for field, value in data.items():
        if field in _REFERENCES:
            changes[_REFERENCES[field][0]] = _resolve(user, field, value)
        elif field == "owner_id":
            changes["owner"] = check_owner(user, value)
        elif field == "owner_team_id":
            changes["owner_team"] = _check_team(value)
        else:
            changes[field] = value
    owned = record in ("person", "account", "opportunity")
    if action == "create" and owned and "owner_id" not in data:
        if audience_of(user) == Audience.REP:
            changes["owner"] = user
    return changes


def may_read_audit_trail(user: User) -> bool:
    """The audit trail (every record's history, every export) is for admins."""
    return user.is_authenticated and audience_of(user) == Audience.ADMIN
