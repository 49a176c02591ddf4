"""The handoff jobs the worker runs."""

from django_tasks import task

from accord.agreement.selectors import get_agreement_in_force
from accord.handoff.services import do_mark_breaches, do_warn_clocks_running_out
from accord.handoff.terms import SlaTerms


def terms_in_force(*, reassign_on_breach: bool = False) -> SlaTerms | None:
    """Sales' SLA terms of the agreement in force; None when no agreement is signed."""
    version = get_agreement_in_force()
    if version is None:
        return None
    sla = version.document.sla
    return SlaTerms(
        first_touch_hours=sla.first_touch_working_hours,
        decision_days=sla.accept_within_working_days,
        agreement_version=version.number,
        reassign_on_breach=reassign_on_breach,
    )


@task()
def mark_breaches(reassign_on_breach: bool = False) -> int:
    """Mark SLA breaches, escalate them to the heads (with alerts) and, when asked, give a lead
    whose first touch was missed to the next rep; then tell each rep of their clocks running out
    within two working hours. The number of new breaches."""
    breaches = len(do_mark_breaches(terms=terms_in_force(reassign_on_breach=reassign_on_breach)))
    do_warn_clocks_running_out()
    return breaches
