from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "accord.journeys"
    verbose_name = "Journeys"

    def ready(self):
        from accord.crm.rollups import follow_segments
        from accord.journeys.rollups import mark_people

        # a person's region or industry is the attribution rollups' segment too
        follow_segments(mark_people)
