"""Every rollup the dashboard reads, worked out again from the records.

The services keep each rollup as they write (`accord.crm.rollups` for the funnel and velocity,
`accord.handoff.rollups` for the SLA), the panels and the worker keep attribution's as they read
(`accord.journeys.rollups`); this rebuilds them all at once: for a database written
around the services (the demo, a restore from elsewhere, an edit by hand), by `accord rollups
--rebuild` and by the worker each night.
"""

from dataclasses import dataclass

from django.db import transaction

from accord.crm import rollups as funnel
from accord.handoff import rollups as sla
from accord.journeys import rollups as attribution


@dataclass(frozen=True)
class RollupsRebuilt:
    people: int
    handoffs: int  # those the SLA counts
    journeys: int  # of people and of accounts, with a touch


@transaction.atomic
def rebuild_rollups() -> RollupsRebuilt:
    """In one transaction: the dashboard reads the old rollups until the new ones commit."""
    return RollupsRebuilt(
        people=funnel.rebuild(), handoffs=sla.rebuild(), journeys=attribution.rebuild()
    )
