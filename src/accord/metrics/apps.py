from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "accord.metrics"
    verbose_name = "Shared funnel and metrics"
