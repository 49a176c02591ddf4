"""Who may see and act on handoffs (the rest of Accord's access rules: `teams.access`)."""

from django.db.models import Q

from accord.handoff.models import Handoff
from accord.teams.access import heads_sales
from accord.teams.models import User


def inbox_scope(user: User) -> Q:
    """The handoffs a user may see, open or closed: an admin's everything, a sales head's whole
    team, anybody else's own (a rep's; nobody else has any)."""
    if user.is_admin:
        return Q()
    if heads_sales(user):
        return Q(team_id=user.team_id)
    return Q(assigned_to_id=user.pk)


def may_reassign_handoff(user: User, handoff: Handoff) -> bool:
    """The (active) head of the handoff's team gives its lead to another rep."""
    return user.is_active and user.is_head and user.team_id == handoff.team_id


def may_receive_handoff(person: User, handoff: Handoff) -> bool:
    """Who a lead may be reassigned to: an active member of the handoff's team."""
    return person.is_active and person.team_id == handoff.team_id


def may_act_on_handoff(user: User, handoff: Handoff) -> bool:
    """Accept, reject, convert, touch: the rep the lead is assigned to, or their team head."""
    return user.pk == handoff.assigned_to_id or may_reassign_handoff(user, handoff)
