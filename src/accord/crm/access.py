"""Which people, accounts and opportunities a user may see and send: the rules of `teams.access`
(roles, `owned_scope`, the writable fields) applied to the CRM's records.

A rep sees what they own plus the unassigned pool; the sales head what the sales team owns plus
the pool; marketing and admins everything. A record out of scope answers 404."""

from django.db.models import QuerySet

from accord.crm.models import Account, Opportunity, Person
from accord.teams.access import Reference, Write, access_one, resolve_changes, scoped
from accord.teams.models import User

# Records a CRM deleted or merged away are archived: kept for history and credit (the reports
# read them), left off every list, search and record page a user reaches through these scopes.


def people_for(user: User) -> QuerySet[Person]:
    return scoped(Person.objects.filter(archived_at__isnull=True), user)


def accounts_for(user: User) -> QuerySet[Account]:
    return scoped(Account.objects.filter(archived_at__isnull=True), user)


def opportunities_for(user: User) -> QuerySet[Opportunity]:
    return scoped(Opportunity.objects.filter(archived_at__isnull=True), user)


def access_person(user: User, pk: int) -> Person:
    return access_one(people_for(user), pk)


def access_account(user: User, pk: int) -> Account:
    return access_one(accounts_for(user), pk)


def access_opportunity(user: User, pk: int) -> Opportunity:
    return access_one(opportunities_for(user), pk)


REFERENCES: dict[str, Reference] = {
    "account_id": ("account", access_account),
    "primary_contact_id": ("primary_contact", access_person),
}


def check_changes(user: User, record: str, action: Write, data: dict) -> dict:
    """The changes a request may make to a person, an account or an opportunity
    (`teams.access.resolve_changes`): an account or a contact named by id must be one the user
    can see."""
    return resolve_changes(user, record, action, data, REFERENCES)
