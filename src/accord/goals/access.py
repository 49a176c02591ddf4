"""Who may close a joint meeting's action item (Accord's other access rules: `teams.access`)."""

from accord.goals.models import ActionItem
from accord.teams.access import may_run_joint_meeting
from accord.teams.models import User


def may_complete_action_item(user: User, item: ActionItem) -> bool:
    """An item's owner marks it done, and so does whoever runs the meeting."""
    return user.pk == item.owner_id or may_run_joint_meeting(user)
