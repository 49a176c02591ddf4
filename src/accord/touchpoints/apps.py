from django.apps import AppConfig


class TouchpointsConfig(AppConfig):
    name = "accord.touchpoints"
