from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "accord.alerts"
    label = "alerts"
    verbose_name = "Alerts"
