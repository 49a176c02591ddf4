"""The handoff events people are told about, and who is told.

- a new lead routed to a rep: the rep;
- an SLA clock run out: the rep and the sales heads;
- a clock about to run out (within two working hours): the rep;
- a lead rejected back to marketing: marketing's heads and liaisons, and the teams that own
  the campaigns the lead came through.

Each person hears of it in the bell, by e-mail, both or neither, as they chose for the kind of
event (`alerts.preferences` has the defaults).

Each is called inside the transaction of the change, so it is queued exactly when that commits.
"""

from django.db.models import Q
from django.urls import reverse

from accord.alerts.models import Alert, Event
from accord.alerts.services import NewAlert, do_queue_alert, do_queue_alerts
from accord.handoff.models import Handoff, SlaClock
from accord.teams.models import Team, User
from accord.touchpoints.models import Campaign


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


def _lead_routed(handoff: Handoff) -> NewAlert:
    data = _handoff_data(handoff)
    lead = data["person_name"] or data["person_email"]
    text = (
        f"{lead} ({handoff.person.email}) is yours: {handoff.reason}.\n"
        f"First touch due {handoff.first_touch_due_at:%Y-%m-%d %H:%M} UTC, "
        f"accept or reject by {handoff.decision_due_at:%Y-%m-%d %H:%M} UTC."
    )
    return NewAlert(
        f"New lead for you: {lead}", text, data, [handoff.assigned_to], link=_in_inbox(handoff)
    )


def alert_lead_routed(handoff: Handoff) -> Alert | None:
    new = _lead_routed(handoff)
    return do_queue_alert(
        Event.LEAD_ROUTED, new.subject, new.text, new.data, new.people, link=new.link
    )


def alert_leads_routed(handoffs: list[Handoff]) -> int:
    """Each rep told of their new lead (a batch routed at once): the outbox written a statement
    per table. How many alerts were queued."""
    return do_queue_alerts(Event.LEAD_ROUTED, [_lead_routed(h) for h in handoffs])


def alert_sla_breached(handoff: Handoff, clock: SlaClock, heads: list[User]) -> Alert | None:
    lead = _who(handoff)
    name = clock.label
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


def notify_clock_running_out(handoff: Handoff, clock: SlaClock) -> Alert | None:
    lead = _who(handoff)
    name = clock.label
    due = getattr(handoff, f"{clock}_due_at")
    return do_queue_alert(
        Event.SLA_DUE_SOON,
        f"Due by {due:%H:%M} UTC: {name} of {lead}",
        f"The {name} of {lead} ({handoff.person.email}) is due {due:%Y-%m-%d %H:%M} UTC.",
        {**_handoff_data(handoff), "clock": clock},
        [handoff.assigned_to],
        link=_in_inbox(handoff),
    )


def alert_lead_rejected(handoff: Handoff) -> Alert | None:
    """Marketing's heads and liaisons, and every member of the teams that own the campaigns the
    lead came through, so a campaign's owner hears of it the same day."""
    lead = _who(handoff)
    reason = handoff.get_reject_reason_display()
    campaigns = list(
        Campaign.objects.filter(touchpoints__person_id=handoff.person_id)
        .distinct()
        .order_by("name")
        .values_list("name", "owner_team_id")
    )
    text = f"{handoff.assigned_to} rejected {lead} ({handoff.person.email}): {reason}."
    if campaigns:
        text += f"\nCame through: {', '.join(name for name, _ in campaigns)}."
    if handoff.comment:
        text += f"\n\n{handoff.comment}"
    marketing = Q(team__kind=Team.Kind.MARKETING) & (Q(role=User.Role.HEAD) | Q(is_liaison=True))
    owners = Q(team_id__in={team_id for _, team_id in campaigns if team_id is not None})
    return do_queue_alert(
        Event.LEAD_REJECTED,
        f"Lead rejected: {lead} ({reason.lower()})",
        text,
        {
            **_handoff_data(handoff),
            "reject_reason": handoff.reject_reason,
            "comment": handoff.comment,
            "campaigns": [name for name, _ in campaigns],
        },
        list(
            User.objects.filter(marketing | owners, is_active=True)
            .exclude(pk=handoff.assigned_to_id)
            .order_by("pk")
        ),
        # marketing reads the person, not the inbox the lead left
        link=reverse("crm:person", args=[handoff.person_id]),
    )
