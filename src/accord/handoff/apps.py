from django.apps import AppConfig


class HandoffConfig(AppConfig):
    name = "accord.handoff"

    def ready(self):
        from accord.crm import rollups
        from accord.handoff import rollups as sla

        # the SLA's rollup is kept by the lead's segment, which the crm layer keeps
        rollups.follow_segments(sla.refresh_people)
