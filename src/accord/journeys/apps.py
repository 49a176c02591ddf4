from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "accord.journeys"
    verbose_name = "Journeys"
