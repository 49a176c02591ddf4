"""The SLA terms a handoff runs under, as the signed agreement states them."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from accord.crm.models import LifecycleStage
from accord.handoff.models import RejectReason

RECYCLE_STAGES = frozenset({LifecycleStage.LEAD, LifecycleStage.DISQUALIFIED})


@dataclass(frozen=True)
class SlaTerms:
    """Sales' side of the SLA.

    first_touch_hours: working hours from handoff to the rep's first touch.
    decision_days: working days from handoff to accept or reject.
    recycle_to: where a rejected lead goes, per reject reason: back to nurture ("lead") or
        "disqualified"; reasons not listed go to `recycle_default`.
    recycle_after_days: how long a lead rejected back to nurture waits before it may be an MQL
        again.
    agreement_version: the agreement version these terms come from, stored on each handoff.
    reassign_on_breach: a lead whose first touch is missed goes to the next available rep.
    """

    first_touch_hours: float
    decision_days: float
    recycle_to: Mapping[str, str] = field(default_factory=dict)
    recycle_default: str = LifecycleStage.LEAD
    recycle_after_days: int = 90
    agreement_version: int | None = None
    reassign_on_breach: bool = False

    def __post_init__(self):
        if self.first_touch_hours <= 0 or self.decision_days <= 0:
            raise ValueError("SLA durations must be positive working time")
        unknown = set(self.recycle_to) - set(RejectReason.values)
        if unknown:
            raise ValueError(f"Unknown reject reasons in recycle_to: {sorted(unknown)}")
        stages = {*self.recycle_to.values(), self.recycle_default}
        if not stages <= RECYCLE_STAGES:
            raise ValueError(
                f"A rejected lead goes back to 'lead' or 'disqualified', not {sorted(stages)}"
            )
        object.__setattr__(self, "recycle_to", MappingProxyType(dict(self.recycle_to)))

    def stage_after_reject(self, reason: str) -> str:
        return self.recycle_to.get(reason, self.recycle_default)
