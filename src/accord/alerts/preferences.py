"""How each person hears of each kind of event: in the bell, by e-mail, both or neither.

A person who never chose has the event's default: what needs them within hours (a new lead, a
missed clock) rings the bell and e-mails; what waits on them in Accord (a draft or a plan to
sign, a clock running out) rings the bell only; a rejection e-mails the marketing heads and
liaisons, who answer for the leads marketing sends, and rings only the bell of the other members
of a campaign's team.
"""

from dataclasses import dataclass

from accord.alerts.models import Event


@dataclass(frozen=True)
class Channels:
    """Where one kind of event reaches one person."""

    bell: bool
    email: bool


# Each kind of event in the words of the person it reaches, in the settings page's order.
IN_MY_WORDS: dict[str, str] = {
    Event.LEAD_ROUTED: "A new lead is routed to me",
    Event.SLA_DUE_SOON: "A clock of mine runs out within two working hours",
    Event.SLA_BREACHED: "An SLA clock is missed (mine, or my team's as its head)",
    Event.LEAD_REJECTED: "Sales rejects a lead that came through my team's campaigns",
    Event.AGREEMENT_TO_SIGN: "An agreement draft awaits my signature",
    Event.PLAN_TO_SIGN: "A campaign plan awaits my signature",
    Event.CAMPAIGN_ANNOUNCED: "Both heads sign a campaign's plan for sales",
}

_BOTH, _BELL = Channels(bell=True, email=True), Channels(bell=True, email=False)
_DEFAULTS: dict[str, Channels] = {
    Event.LEAD_ROUTED: _BOTH,
    Event.SLA_BREACHED: _BOTH,
    Event.CAMPAIGN_ANNOUNCED: _BOTH,
    Event.AGREEMENT_TO_SIGN: _BELL,
    Event.PLAN_TO_SIGN: _BELL,
    Event.SLA_DUE_SOON: _BELL,
}


def default_channels(event: str, person) -> Channels:
    """What `person` gets for `event` until they choose."""
    if event == Event.LEAD_REJECTED:
        return _BOTH if person.is_head or person.is_liaison else _BELL
    return _DEFAULTS[event]
