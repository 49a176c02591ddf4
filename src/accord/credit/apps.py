from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "accord.credit"
    verbose_name = "Closed-loop credit"
