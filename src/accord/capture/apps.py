from django.apps import AppConfig


class CaptureConfig(AppConfig):
    name = "accord.capture"
    verbose_name = "Lead capture"
