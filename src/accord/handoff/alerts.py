"""The handoff events people are told about, and who is told.

- a new lead routed to a rep: the rep;
- an SLA clock run out: the rep and the sales heads;
- a lead rejected back to marketing: marketing's heads and liaisons.

Each is called inside the transaction of the change, so it is queued exactly when that commits.
"""

from django.urls import reverse

from accord.alerts.models import Alert, Event
from accord.alerts.services import do_queue_alert
from accord.handoff.models import Handoff
from accord.teams.models import Team, User

CLOCK_NAMES = {"first_touch": "first touch", "decision": "accept or reject"}


def _handoff_data(handoff: Handoff) -> dict:
    person = handoff.person
    return {
        "handoff_id": handoff.pk,
        "person_id": person.pk,
        "person_email": person.email,
        "person_name": f"{person.first_name} {person.last_name}".strip(),
        "rep_email": handoff.assigned_to.email,
        "reason": handoff.reason,
        "first_touch_due_at": handoff.first_touch_due_at.isoformat(),
        "decision_due_at": handoff.decision_due_at.isoformat(),
    }


def _in_inbox(handoff: Handoff) -> str:
    """The lead open in the inbox's side panel: the rep and the sales heads can act on it."""
    return reverse("handoff:lead", args=[handoff.pk])


def _who(handoff: Handoff) -> str:
    data = _handoff_data(handoff)
    return data["person_name"] or data["person_email"]


def alert_lead_routed(handoff: Handoff) -> Alert | None:
    lead = _who(handoff)
    text = (
        f"{lead} ({handoff.person.email}) is yours: {handoff.reason}.\n"
        f"First touch due {handoff.first_touch_due_at:%Y-%m-%d %H:%M} UTC, "
        f"accept or reject by {handoff.decision_due_at:%Y-%m-%d %H:%M} UTC."
    )
    return do_queue_alert(
        Event.LEAD_ROUTED,
        f"New lead for you: {lead}",
        text,
        _handoff_data(handoff),
        [handoff.assigned_to],
        link=_in_inbox(handoff),
    )


def alert_sla_breached(handoff: Handoff, clock: str, heads: list[User]) -> Alert | None:
    lead = _who(handoff)
    name = CLOCK_NAMES[clock]
    due = getattr(handoff, f"{clock}_due_at")
    text = (
        f"The {name} of {lead} ({handoff.person.email}) was due {due:%Y-%m-%d %H:%M} UTC "
        f"and {handoff.assigned_to} missed it. Escalated to the head of {handoff.team}."
    )
    return do_queue_alert(
        Event.SLA_BREACHED,
        f"SLA missed: {name} of {lead}",
        text,
        {**_handoff_data(handoff), "clock": clock},
        [handoff.assigned_to, *heads],
        link=_in_inbox(handoff),
    )


def alert_lead_rejected(handoff: Handoff) -> Alert | None:
    lead = _who(handoff)
    reason = handoff.get_reject_reason_display()
    text = f"{handoff.assigned_to} rejected {lead} ({handoff.person.email}): {reason}."
    if handoff.comment:
        text += f"\n\n{handoff.comment}"
    marketing = User.objects.filter(team__kind=Team.Kind.MARKETING, is_active=True).filter(
        role=User.Role.HEAD
    ) | User.objects.filter(team__kind=Team.Kind.MARKETING, is_active=True, is_liaison=True)
    return do_queue_alert(
        Event.LEAD_REJECTED,
        f"Lead rejected: {lead} ({reason.lower()})",
        text,
        {
            **_handoff_data(handoff),
            "reject_reason": handoff.reject_reason,
            "comment": handoff.comment,
        },
        list(marketing.order_by("pk")),
        # marketing reads the person, not the inbox the lead left
        link=reverse("crm:person", args=[handoff.person_id]),
    )
