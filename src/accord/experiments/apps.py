from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "accord.experiments"
    label = "experiments"
    verbose_name = "Experiments"
