from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "accord.planning"
    label = "planning"
    verbose_name = "Joint plan"

    def ready(self):
        from accord.planning.services import check_campaign_may_go_live
        from accord.touchpoints.services import CAMPAIGN_CHECKS

        if check_campaign_may_go_live not in CAMPAIGN_CHECKS:
            CAMPAIGN_CHECKS.append(check_campaign_may_go_live)
