"""People, accounts and opportunities over JSON. Who sees and changes what: `crm.access`."""

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from accord.crm import access, services
from accord.crm.schemas import (
    AccountCreate,
    AccountFilter,
    AccountOut,
    AccountPatch,
    ErrorOut,
    OpportunityCreate,
    OpportunityFilter,
    OpportunityOut,
    OpportunityPatch,
    PersonCreate,
    PersonFilter,
    PersonOut,
    PersonPatch,
)
from accord.teams.access import ChangeCheck, Write


class Page(LimitOffsetPagination):
    """`limit` and `offset` in range, so a huge offset is a 422 rather than a database error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=2**63 - 1)


API_REASON = "changed through the API"

router = Router()
people = Router(tags=["people"])
accounts = Router(tags=["accounts"])
opportunities = Router(tags=["opportunities"])

ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422)}
ROW_SCOPE = (
    "A rep sees the records they own and the unassigned pool; the sales head the whole sales "
    "team's; marketing and admins all. A record out of scope answers 404."
)


def requested_changes(
    request: HttpRequest, record: str, action: Write, payload: Schema, check: ChangeCheck
) -> dict:
    """The fields sent (and only those), checked against the caller's role by the access module
    of the record's app (`crm.access.check_changes`, `touchpoints.access.check_changes`)."""
    sent = payload.model_dump(exclude_unset=True)
    return check(request.auth, record, action, sent)  # type: ignore[attr-defined]


# --- people -----------------------------------------------------------------------------------


@people.get("", response=list[PersonOut], description=ROW_SCOPE)
@paginate(Page)
def list_people(request: HttpRequest, filters: Query[PersonFilter]):
    return filters.filter(access.people_for(request.auth)).order_by("id")


@people.get("/{person_id}", response={200: PersonOut, **ERRORS}, description=ROW_SCOPE)
def get_person(request: HttpRequest, person_id: int):
    return access.access_person(request.auth, person_id)


@people.post(
    "",
    response={201: PersonOut, **ERRORS},
    description="E-mails are unique whatever their case: an e-mail already held by a person "
    "(e.g. `Ann@x.com` when `ann@x.com` exists) answers 409 and creates nothing. A rep's new "
    "person is theirs unless `owner_id` says otherwise; marketing may not set an owner.",
)
def create_person(request: HttpRequest, payload: PersonCreate):
    changes = requested_changes(request, "person", Write.CREATE, payload, access.check_changes)
    return Status(201, services.do_create_person(changes, by=request.auth, reason=API_REASON))


@people.patch(
    "/{person_id}",
    response={200: PersonOut, **ERRORS},
    description="Only the fields sent change. A new `lifecycle_stage` is kept in the person's "
    "history. Marketing may change every field but `owner_id` (403 naming it).",
)
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch):
    person = access.access_person(request.auth, person_id)
    changes = requested_changes(request, "person", Write.UPDATE, payload, access.check_changes)
    return services.do_update_person(person, changes, by=request.auth, reason=API_REASON)


# --- accounts ---------------------------------------------------------------------------------


@accounts.get("", response=list[AccountOut], description=ROW_SCOPE)
@paginate(Page)
def list_accounts(request: HttpRequest, filters: Query[AccountFilter]):
    return filters.filter(access.accounts_for(request.auth)).order_by("id")


@accounts.get("/{account_id}", response={200: AccountOut, **ERRORS}, description=ROW_SCOPE)
def get_account(request: HttpRequest, account_id: int):
    return access.access_account(request.auth, account_id)


@accounts.post(
    "",
    response={201: AccountOut, **ERRORS},
    description="Domains are unique whatever their case (409 otherwise).",
)
def create_account(request: HttpRequest, payload: AccountCreate):
    changes = requested_changes(request, "account", Write.CREATE, payload, access.check_changes)
    return Status(201, services.do_create_account(changes, by=request.auth))


@accounts.patch("/{account_id}", response={200: AccountOut, **ERRORS})
def update_account(request: HttpRequest, account_id: int, payload: AccountPatch):
    account = access.access_account(request.auth, account_id)
    changes = requested_changes(request, "account", Write.UPDATE, payload, access.check_changes)
    return services.do_update_account(account, changes, by=request.auth)


# --- opportunities ----------------------------------------------------------------------------


@opportunities.get("", response=list[OpportunityOut], description=ROW_SCOPE)
@paginate(Page)
def list_opportunities(request: HttpRequest, filters: Query[OpportunityFilter]):
    return filters.filter(access.opportunities_for(request.auth)).order_by("id")


@opportunities.get(
    "/{opportunity_id}", response={200: OpportunityOut, **ERRORS}, description=ROW_SCOPE
)
def get_opportunity(request: HttpRequest, opportunity_id: int):
    return access.access_opportunity(request.auth, opportunity_id)


@opportunities.post(
    "",
    response={201: OpportunityOut, **ERRORS},
    description="Opportunities are Sales' records: marketing may read them, not write them.",
)
def create_opportunity(request: HttpRequest, payload: OpportunityCreate):
    changes = requested_changes(request, "opportunity", Write.CREATE, payload, access.check_changes)
    return Status(201, services.do_create_opportunity(changes, by=request.auth))


@opportunities.patch("/{opportunity_id}", response={200: OpportunityOut, **ERRORS})
def update_opportunity(request: HttpRequest, opportunity_id: int, payload: OpportunityPatch):
    opportunity = access.access_opportunity(request.auth, opportunity_id)
    changes = requested_changes(request, "opportunity", Write.UPDATE, payload, access.check_changes)
    return services.do_update_opportunity(opportunity, changes, by=request.auth)


router.add_router("/people", people)
router.add_router("/accounts", accounts)
router.add_router("/opportunities", opportunities)
