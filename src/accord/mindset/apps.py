from django.apps import AppConfig


class MindsetConfig(AppConfig):
    name = "accord.mindset"
    verbose_name = "Shared mindset"
