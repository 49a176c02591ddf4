"""Who may read and change what: roles, audiences and the rules the apps' own `access` modules
build on (`crm.access`, `touchpoints.access`, `handoff.access`, `goals.access`).

Pages, API operations, services and selectors ask a predicate of these modules and never look
at a role themselves; a service raises its own refusal (in the user's words) when one says no.

Roles: a rep and a marketer belong to a team; a head leads one (the marketing head, the sales
head); an admin (role admin, or a superuser) runs the whole instance and need not be in a team.

Records (read and change alike): `owned_scope` is the rule below; the scopes built on it live
next to the records they guard (`crm.access`: `people_for`, `accounts_for`, `opportunities_for`;
`touchpoints.access`: `campaigns_for`, `touchpoints_for`), so this module imports no app above it.
- a rep: the people, accounts and opportunities they own, plus the unassigned pool;
- the sales head: everything owned by a member of the sales team, plus the pool;
- marketers and the marketing head: all people, accounts and opportunities;
- admins: everything.
Campaigns are visible to everyone; a touchpoint is visible with its person.
A record out of scope is reported as missing (404), never as forbidden, so ids reveal nothing.

Fields: `WRITABLE` lists, per record and action, the fields each audience may send. Marketers
change marketing fields only: never an owner, never an opportunity. Campaigns are Marketing's.
Owners: a rep may take a record for themselves or release it to the pool; the sales head assigns
within the sales team; an admin assigns to any active user (`check_owner`, `assignable_owners`).

Everything else, one row per rule ("a member" is anyone in the marketing or sales team):

| area       | predicate                            | who may
|------------|--------------------------------------|------------------------------------------------
| joint plan | may_edit_buying_process              | a head, an admin (stages, notice period)
|            | may_write_campaign_plan              | marketers, the marketing head, an admin
|            | may_sign_campaign_plan, signing_team | the marketing head, the sales head
|            | may_rate_campaign                    | a sales rep
|            | may_hold_out_audience                | marketers, the marketing head, an admin
|            | sees_every_rating                    | all but reps (a rep reads their own)
| mindset    | may_answer_mindset                   | a member
|            | may_start_mindset_round              | a head, an admin
|            | may_read_mindset_wordings            | a head, an admin (never who wrote them)
| alignment  | may_answer_assessment                | a member
|            | may_run_assessment_rounds            | a head, an admin (open and close)
| agreement  | may_propose_agreement                | a member, an admin (draft, edit, comment)
|            | may_sign_agreement, signing_team     | the marketing head, the sales head
| goals      | may_steer_goals                      | a head, an admin (goals, reward plan, ideas)
|            | may_see_pay_of(viewer, person)       | oneself; a head their team's; an admin all
|            | may_name_liaisons_in(user, team_id)  | that team's head, an admin
|            | may_visit_other_team                 | a member (shadowing, rotations)
|            | may_run_joint_meeting                | a head, an admin, a liaison who is a member
|            | goals.access.may_complete_action_item | its owner, whoever runs the meeting
|            | takes_part, people_taking_part       | credited an idea, owns an action item: an
|            |                                      | active member
| inbox      | may_pick_team_reps, team_reps_for    | the sales head, from the team's active reps
|            |                                      | (narrow the inbox to one, reassign to one)
|            | handoff.access: inbox_scope          | an admin every handoff; the sales head the
|            |                                      | team's; anybody else their own (a rep's leads)
|            | may_act_on_handoff(user, handoff)    | the rep it is assigned to, that team's head
|            | may_reassign_handoff(user, handoff)  | that team's head, while active
|            | may_receive_handoff(person, handoff) | an active member of the handoff's team
| imports    | may_import                           | a head, an admin
| audit      | may_read_audit_trail                 | an admin
| health     | may_read_system_health               | an admin (the worker, captures waiting)
| menu       | sees_inbox_in_menu                   | reps and heads (not admins)
|            | sees_feedback_in_menu                | marketers and heads (not admins)
|            | sees_admin_in_menu                   | an admin

Open to everyone signed in, by design: the dashboard and its exports, the feedback page and its
exports, the agreement's pages, alignment and mindset results (aggregates only; fewer than
`alignment.selectors.TOO_FEW` respondents are hidden from everyone), the goals page, the people
directory, sign-ups and the meetings' pages (reading).
"""

from collections.abc import Callable, Mapping
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404

from accord.teams.models import Team, User


class Audience(StrEnum):
    REP = "rep"
    SALES_HEAD = "sales head"
    MARKETING = "marketing"
    ADMIN = "admin"


class Write(StrEnum):
    """What a request does to a record, as the field rules (`WRITABLE`) tell them apart."""

    CREATE = "create"
    UPDATE = "update"


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


def owned_scope(user: User) -> Q | None:
    """The filter on `owner` for sales-side rows; None means every row."""
    audience = audience_of(user)
    if audience in (Audience.ADMIN, Audience.MARKETING):
        return None
    pool = Q(owner__isnull=True)
    if audience == Audience.SALES_HEAD:
        return Q(owner__team_id=user.team_id) | pool
    return Q(owner=user) | pool


def scoped(queryset: QuerySet, user: User) -> QuerySet:
    """`queryset` (of rows with an `owner`) narrowed to what the user may see."""
    scope = owned_scope(user)
    return queryset if scope is None else queryset.filter(scope)


def access_one(queryset: QuerySet, pk: int):
    """The row `pk` of `queryset`, or a 404 naming the record: out of scope reads as missing."""
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404(f"No {queryset.model._meta.verbose_name} with id {pk}") from None


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


WRITABLE: dict[tuple[str, Write], dict[Audience, frozenset[str]]] = {
    ("person", Write.CREATE): _by_audience(PERSON_FIELDS | {"owner_id"}, PERSON_FIELDS),
    ("person", Write.UPDATE): _by_audience(PERSON_FIELDS | {"owner_id"}, PERSON_FIELDS),
    ("account", Write.CREATE): _by_audience(ACCOUNT_FIELDS | {"owner_id"}, ACCOUNT_FIELDS),
    ("account", Write.UPDATE): _by_audience(ACCOUNT_FIELDS | {"owner_id"}, ACCOUNT_FIELDS),
    ("opportunity", Write.CREATE): _by_audience(OPPORTUNITY_FIELDS, NOTHING),
    ("opportunity", Write.UPDATE): _by_audience(OPPORTUNITY_FIELDS, NOTHING),
    ("campaign", Write.CREATE): _by_audience(NOTHING, CAMPAIGN_FIELDS),
    ("campaign", Write.UPDATE): _by_audience(NOTHING, CAMPAIGN_FIELDS),
    ("touchpoint", Write.CREATE): _by_audience(
        TOUCHPOINT_FIELDS | {"person_id"}, TOUCHPOINT_FIELDS | {"person_id"}
    ),
    ("touchpoint", Write.UPDATE): _by_audience(TOUCHPOINT_FIELDS, TOUCHPOINT_FIELDS),
}

_NOUNS = {
    Audience.REP: "a sales rep",
    Audience.SALES_HEAD: "the sales head",
    Audience.MARKETING: "marketing",
    Audience.ADMIN: "an admin",
}


def check_writable(user: User, record: str, action: Write, fields) -> None:
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


def writable_fields(user: User, record: str, action: Write) -> frozenset[str]:
    """The fields of a record the user's role may send for this action (`WRITABLE`)."""
    return WRITABLE[(record, action)][audience_of(user)]


def may_write(user: User, record: str, action: Write) -> bool:
    """Whether the user may create (or change) such a record at all: a person or an account
    everyone, a deal sales and admins, a campaign marketing and admins."""
    return bool(writable_fields(user, record, action))


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


def assignable_owners(user: User) -> QuerySet[User]:
    """The users `check_owner` lets `user` give a record to (the pool aside): a rep themselves,
    the sales head the sales team, an admin any active user, marketing nobody."""
    active = User.objects.filter(is_active=True).order_by("full_name", "email")
    audience = audience_of(user)
    if audience == Audience.REP:
        return active.filter(pk=user.pk)
    if audience == Audience.SALES_HEAD:
        return active.filter(team_id=user.team_id)  # type: ignore[misc]  # a head has a team
    if audience == Audience.ADMIN:
        return active
    return User.objects.none()


def owners_in_view(user: User) -> QuerySet[User]:
    """The owners a user's lists may be narrowed to: a rep themselves, anybody else the sales
    team's active members."""
    if audience_of(user) == Audience.REP:
        return User.objects.filter(pk=user.pk)
    sales = User.objects.filter(is_active=True, team__kind=Team.Kind.SALES)
    return sales.order_by("full_name", "email")


def _check_team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise UnknownReference("owner_team_id", f"No team with id {team_id}")
    return team


Reference = tuple[str, Callable[[User, int], object]]
# A domain's check of the changes a request may make: (user, record, action, data) -> changes
# (`crm.access.check_changes`, `touchpoints.access.check_changes`).
ChangeCheck = Callable[[User, str, Write, dict], dict]


def _resolve(user: User, field: str, pk: int | None, access: Callable[[User, int], object]):
    if pk is None:
        return None
    try:
        return access(user, pk)
    except Http404 as exc:
        raise UnknownReference(field, str(exc)) from None


def resolve_changes(
    user: User, record: str, action: Write, data: dict, references: Mapping[str, Reference]
) -> dict:
    """The model-field changes a request may make: field rules checked, ids turned into the
    records they name (`references`: id field -> (model field, access function), so only
    records the user can see), owners checked. The domain that owns `record` passes its
    references (`crm.access.check_changes`, `touchpoints.access.check_changes`).

    A rep's new person, account or opportunity is theirs unless they say otherwise."""
    check_writable(user, record, action, data)
    changes = {}
    for field, value in data.items():
        if field in references:
            name, access = references[field]
            changes[name] = _resolve(user, field, value, access)
        elif field == "owner_id":
            changes["owner"] = check_owner(user, value)
        elif field == "owner_team_id":
            changes["owner_team"] = _check_team(value)
        else:
            changes[field] = value
    owned = record in ("person", "account", "opportunity")
    if action == Write.CREATE and owned and "owner_id" not in data:
        if audience_of(user) == Audience.REP:
            changes["owner"] = user
    return changes


# --- who is who ---------------------------------------------------------------------------
# The predicates keep the order of the checks they replaced (role before team), so a page asks
# the database no more than it did.

TEAM_KINDS = (Team.Kind.MARKETING, Team.Kind.SALES)


def is_team_member(user: User) -> bool:
    """In the marketing or the sales team (heads included)."""
    return user.team_kind in TEAM_KINDS


def _head_or_admin(user: User) -> bool:
    return user.is_admin or user.is_head


def signing_team(user: User) -> str | None:
    """The team a head signs for (campaign plans, the agreement); None for anybody else."""
    if not user.is_head or user.team_kind not in TEAM_KINDS:
        return None
    return user.team_kind


def heads_sales(user: User) -> bool:
    return user.is_head and user.team_kind == Team.Kind.SALES


# --- the joint plan (planning) --------------------------------------------------------------


def may_edit_buying_process(user: User) -> bool:
    """The buying process's stages and the notice period: the heads and admins."""
    return user.is_head or user.is_admin


def may_write_campaign_plan(user: User) -> bool:
    """Campaign plans are written by marketing (and admins)."""
    return audience_of(user) in (Audience.MARKETING, Audience.ADMIN)


def may_hold_out_audience(user: User) -> bool:
    """A campaign's holdout experiment is started by marketing (and admins)."""
    return audience_of(user) in (Audience.MARKETING, Audience.ADMIN)


def may_sign_campaign_plan(user: User) -> bool:
    """The marketing head and the sales head, each for their team."""
    return signing_team(user) is not None


def may_rate_campaign(user: User) -> bool:
    """Sales reps rate campaigns and their material."""
    return user.role == User.Role.REP and user.team_kind == Team.Kind.SALES


def sees_every_rating(user: User) -> bool:
    """Marketing, the heads and admins read every rep's rating; a rep reads their own."""
    return audience_of(user) != Audience.REP


# --- the shared mindset ---------------------------------------------------------------------


def may_answer_mindset(user: User) -> bool:
    return is_team_member(user)


def may_start_mindset_round(user: User) -> bool:
    return _head_or_admin(user)


def may_read_mindset_wordings(user: User) -> bool:
    """Heads and admins read the wordings that disagree, never who wrote them."""
    return _head_or_admin(user)


# --- the relationship assessment (alignment) ------------------------------------------------


def may_answer_assessment(user: User) -> bool:
    return is_team_member(user)


def may_run_assessment_rounds(user: User) -> bool:
    """Open and close assessment rounds."""
    return _head_or_admin(user)


# --- the agreement --------------------------------------------------------------------------


def may_propose_agreement(user: User) -> bool:
    """Draft, edit, comment on and suggest versions of the agreement."""
    return user.is_admin or is_team_member(user)


def may_sign_agreement(user: User) -> bool:
    """The marketing head and the sales head, each for their team."""
    return signing_team(user) is not None


# --- shared goals, rewards and the rhythm of the two teams ----------------------------------


def may_steer_goals(user: User) -> bool:
    """Set goals, the reward plan and campaign ideas: the heads of the two teams and admins."""
    return _head_or_admin(user)


def may_see_pay_of(viewer: User, person: User) -> bool:
    """Reward payouts: everyone sees their own, a head their team's, an admin everybody's."""
    if viewer.is_admin or viewer.pk == person.pk:
        return True
    return viewer.is_head and viewer.team_id is not None and viewer.team_id == person.team_id


def may_name_liaisons_in(user: User, team_id: int | None) -> bool:
    """A head names the liaisons of their own team; an admin any team's."""
    if user.is_admin:
        return True
    return bool(user.is_head and user.team_id and user.team_id == team_id)


def may_visit_other_team(user: User) -> bool:
    """Sign up to shadow or rotate into the other team: members of the two teams."""
    return is_team_member(user)


def may_run_joint_meeting(user: User) -> bool:
    """Record meetings and their action items: the heads, the liaisons and admins."""
    return user.is_admin or user.is_head or bool(user.is_liaison and user.team_id)


def takes_part(person: User) -> bool:
    """Who may be credited a campaign idea or own an action item: active members of a team."""
    return person.is_active and person.team_id is not None


def people_taking_part() -> QuerySet[User]:
    """Everyone `takes_part` lets through, for the forms to offer."""
    return User.objects.filter(is_active=True, team__isnull=False)


# --- the inbox (handoff) --------------------------------------------------------------------


def may_pick_team_reps(user: User) -> bool:
    """The sales head narrows the inbox to a rep of the team and reassigns leads to them."""
    return heads_sales(user)


def team_reps_for(user: User) -> QuerySet[User]:
    """The reps the sales head picks from: the team's active reps; nobody for anyone else."""
    if not may_pick_team_reps(user):
        return User.objects.none()
    reps = User.objects.filter(role=User.Role.REP, is_active=True)
    return reps.filter(team_id=user.team_id)  # type: ignore[misc]  # the sales head has a team


# --- the audit trail and the menu -----------------------------------------------------------


def may_read_audit_trail(user: User) -> bool:
    """The audit trail (every record's history, every export) is for admins."""
    return user.is_authenticated and audience_of(user) == Audience.ADMIN


def sees_inbox_in_menu(user: User) -> bool:
    return not user.is_admin and user.role in (User.Role.REP, User.Role.HEAD)


def sees_feedback_in_menu(user: User) -> bool:
    return not user.is_admin and user.role in (User.Role.MARKETER, User.Role.HEAD)


def may_read_sent_mail(user: User) -> bool:
    """The mail Accord kept (alerts, digests: other people's leads and names) is for admins."""
    return user.is_authenticated and user.is_admin


def sees_admin_in_menu(user: User) -> bool:
    return user.is_admin


def may_read_system_health(user: User) -> bool:
    """Whether the worker keeps up and captures wait is for admins, who run Accord."""
    return user.is_authenticated and user.is_admin


# --- imports --------------------------------------------------------------------------------


def may_import(user: User) -> bool:
    """Files change every team's records (owners, stages, deal amounts): admins and heads."""
    return user.is_authenticated and _head_or_admin(user)
