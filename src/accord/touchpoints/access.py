"""Which campaigns and touchpoints a user may see and send: the rules of `teams.access` applied
to marketing's records. Everyone reads every campaign; a touchpoint is visible with its person
(`crm.access.people_for`)."""

from django.db.models import QuerySet

from accord.crm.access import access_person, people_for
from accord.teams.access import Reference, Write, access_one, owned_scope, resolve_changes
from accord.teams.models import User
from accord.touchpoints.models import Campaign, Touchpoint


def campaigns_for(user: User) -> QuerySet[Campaign]:
    return Campaign.objects.all()


def touchpoints_for(user: User) -> QuerySet[Touchpoint]:
    touchpoints = Touchpoint.objects.all()
    if owned_scope(user) is None:
        return touchpoints
    return touchpoints.filter(person__in=people_for(user).values("pk"))


def access_campaign(user: User, pk: int) -> Campaign:
    return access_one(campaigns_for(user), pk)


def access_touchpoint(user: User, pk: int) -> Touchpoint:
    return access_one(touchpoints_for(user), pk)


REFERENCES: dict[str, Reference] = {
    "person_id": ("person", access_person),
    "campaign_id": ("campaign", access_campaign),
}


def check_changes(user: User, record: str, action: Write, data: dict) -> dict:
    """The changes a request may make to a campaign or a touchpoint
    (`teams.access.resolve_changes`): a person or a campaign named by id must be one the user
    can see."""
    return resolve_changes(user, record, action, data, REFERENCES)
